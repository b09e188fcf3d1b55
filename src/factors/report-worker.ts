/** A worker thread that makes a static report, so that twelve serve's own thread keeps routing meanwhile. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Origin } from './codebase-scan.js';
import { checkCodebase } from './static-report.js';

const { dir, origin, subject } = workerData as { dir: string; origin: Origin; subject: string };
parentPort!.postMessage(await checkCodebase(dir, { origin, subject }));
