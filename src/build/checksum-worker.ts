/** The worker thread checksum.ts hashes a build in. */
import { parentPort, workerData } from 'node:worker_threads';
import { checksumTree } from './checksum.js';

const { appDir, runtimes } = workerData as { appDir: string; runtimes: Record<string, string> };
parentPort!.postMessage(checksumTree(appDir, runtimes));
