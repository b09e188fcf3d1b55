/** The worker thread checksum.ts hashes a build in: it waits for the tree, answers once, and ends. */
import { parentPort } from 'node:worker_threads';
import { checksumTree } from './checksum.js';

parentPort!.once('message', ({ appDir, runtimes }: { appDir: string; runtimes: Record<string, string> }) => {
  parentPort!.postMessage(checksumTree(appDir, runtimes));
});
