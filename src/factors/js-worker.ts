/** A worker thread of js-files.ts: analyzes its share of a codebase's JavaScript/TypeScript files. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeJsFile, loadTypescript } from './js-analyzer.js';

const { root, files } = workerData as { root: string; files: string[] };
const ts = await loadTypescript();
parentPort!.postMessage(files.map((file) => analyzeJsFile(ts, root, file)).filter((facts) => facts !== null));
