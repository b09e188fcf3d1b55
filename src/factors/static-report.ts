/**
 * `twelve factors DIR`: reads a codebase (files only, nothing is run) and reports each factor.
 * @example const report = await checkCodebase('examples/hello'); report.score // 0-100
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CHECKS } from './checks/index.js';
import { scanCodebase, type Origin } from './codebase-scan.js';
import { assembleReport, type FactorsReport, type Finding } from './report.js';

export async function checkCodebase(dir: string, options: { origin?: Origin; subject?: string; parseAll?: boolean } = {}): Promise<FactorsReport> {
  const started = performance.now();
  const root = resolve(dir);
  const codebase = await scanCodebase(root, options.origin, options.parseAll);
  const byFactor = new Map<number, Finding[]>();
  for (const check of CHECKS) byFactor.set(check.factor, [...(byFactor.get(check.factor) ?? []), ...check.run(codebase)]);
  const scanned = codebase.sources.filter((source) => source.language === 'js').length - codebase.jsParsed;
  const stats = { files: codebase.files.length, parsed: codebase.sources.filter((source) => !source.error).length, scanned, ms: Math.round(performance.now() - started) };
  return assembleReport(options.subject ?? dir, byFactor, stats, codebase.notes);
}

/**
 * The same, made in a worker thread: twelve serve routes requests and reads logs on its one thread, and
 * reading a large codebase would hold it for seconds.
 */
export function checkCodebaseOffThread(dir: string, options: { origin: Origin; subject: string }): Promise<FactorsReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./report-worker.js', import.meta.url), { workerData: { dir, ...options } });
    worker.once('message', (report: FactorsReport) => { resolve(report); void worker.terminate(); });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the factors worker exited with status ${code} before answering`)));
  });
}
