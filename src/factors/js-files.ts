/**
 * The facts of many JavaScript/TypeScript files. Each file is read once and scanned into tokens
 * (js-prefilter.ts); only a file that holds more than imports goes through the parser. A large share of
 * parsing is handed to worker threads, this thread taking a share too.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SourceFacts } from './facts.js';
import { analyzeJsText, loadTypescript } from './js-analyzer.js';
import { importsOnlyFacts } from './js-prefilter.js';

/**
 * Below this many files to parse, a worker costs more than it saves: it loads the parser again and warms
 * it up from cold (about a second of CPU on a busy machine), while python3 already takes a second core.
 */
const FILES_PER_WORKER = 1500;
const MAX_WORKERS = 3;

export interface JsSource { file: string; text: string }

function inWorker(sources: JsSource[]): Promise<SourceFacts[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./js-worker.js', import.meta.url), { workerData: { sources } });
    worker.once('message', (facts: SourceFacts[]) => { resolve(facts); void worker.terminate(); });
    worker.once('error', reject);
  });
}

/**
 * The facts of each source, in their order, and how many of them the parser had to read. `parseAll` sends
 * every file to the parser (the tests compare the reports made both ways).
 */
export async function analyzeJsFiles(sources: JsSource[], parseAll = false): Promise<{ facts: SourceFacts[]; parsed: number }> {
  if (sources.length === 0) return { facts: [], parsed: 0 };
  const ts = await loadTypescript();
  const facts: Array<SourceFacts | undefined> = sources.map((source) => (parseAll ? undefined : importsOnlyFacts(ts, source.file, source.text) ?? undefined));
  const toParse = sources.map((source, index) => ({ ...source, index })).filter(({ index }) => facts[index] === undefined);
  const workers = Math.max(0, Math.min(MAX_WORKERS, availableParallelism() - 1, Math.floor(toParse.length / FILES_PER_WORKER)));
  const share = Math.ceil(toParse.length / (workers + 1));
  const elsewhere = Array.from({ length: workers }, (_, i) => toParse.slice(share * (i + 1), share * (i + 2)))
    .map(async (part) => (await inWorker(part.map(({ file, text }) => ({ file, text })))).forEach((fact, i) => { facts[part[i]!.index] = fact; }));
  for (const { file, text, index } of toParse.slice(0, share)) facts[index] = analyzeJsText(ts, file, text);
  await Promise.all(elsewhere);
  return { facts: facts as SourceFacts[], parsed: toParse.length };
}
