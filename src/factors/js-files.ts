/**
 * The facts of many JavaScript/TypeScript files, parsed on every core: a repository of thousands of
 * files would otherwise keep one core busy for seconds (docs/factors.md). This thread takes a share too;
 * small codebases are parsed here alone.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SourceFacts } from './facts.js';
import { analyzeJsFile, loadTypescript } from './js-analyzer.js';

/** Below this many files a worker's start (loading the parser again) costs more than it saves. */
const FILES_PER_WORKER = 400;
const MAX_WORKERS = 3;

function inWorker(root: string, files: string[]): Promise<SourceFacts[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./js-worker.js', import.meta.url), { workerData: { root, files } });
    worker.once('message', (facts: SourceFacts[]) => { resolve(facts); void worker.terminate(); });
    worker.once('error', reject);
  });
}

export async function analyzeJsFiles(root: string, files: string[]): Promise<SourceFacts[]> {
  if (files.length === 0) return [];
  const workers = Math.min(MAX_WORKERS, availableParallelism() - 1, Math.floor(files.length / FILES_PER_WORKER));
  const share = Math.ceil(files.length / (workers + 1));
  const elsewhere = Array.from({ length: Math.max(0, workers) }, (_, i) => inWorker(root, files.slice(share * (i + 1), share * (i + 2))));
  const ts = await loadTypescript();
  const here = files.slice(0, share).map((file) => analyzeJsFile(ts, root, file)).filter((facts) => facts !== null);
  return [...here, ...(await Promise.all(elsewhere)).flat()];
}
