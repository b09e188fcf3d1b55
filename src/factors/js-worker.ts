/** A worker thread of js-files.ts: parses its share of a codebase's JavaScript/TypeScript files. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeJsText, loadTypescript } from './js-analyzer.js';
import type { JsSource } from './js-files.js';

const { sources } = workerData as { sources: JsSource[] };
const ts = await loadTypescript();
parentPort!.postMessage(sources.map(({ file, text }) => analyzeJsText(ts, file, text)));
