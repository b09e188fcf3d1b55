/**
 * `npm run bench [-- PART...]`: runs the benchmarks (all by default), each beside its baseline, prints a
 * table per part and a summary, and writes dist/bench/results.json. Everything started is stopped at the end.
 */
import { join } from 'node:path';
import { errorText } from '../src/errors.js';
import { cleanupAll } from './cleanup.js';
import type { Part } from './part.js';
import { cliPart } from './parts/cli.js';
import { deployPart } from './parts/deploy.js';
import { factorsPart } from './parts/factors.js';
import { lineCountPart } from './parts/line-count.js';
import { logsPart } from './parts/logs.js';
import { memoryPart } from './parts/memory.js';
import { pageCachePart } from './parts/page-cache.js';
import { redeployPart } from './parts/redeploy.js';
import { restartPart } from './parts/restart.js';
import { httpsPart } from './parts/https.js';
import { routerPart } from './parts/router.js';
import { sandboxPart } from './parts/sandbox.js';
import { scalePart } from './parts/scale.js';
import { telemetryPart } from './parts/telemetry.js';
import { ROOT } from './platform.js';
import { type Measurement, printPart, printSummary, type Skipped, writeResults } from './report.js';
import { DEBIAN_PACKAGES } from './tools.js';

const PARTS: Part[] = [deployPart, redeployPart, scalePart, restartPart, cliPart, memoryPart, routerPart, httpsPart, telemetryPart, logsPart, lineCountPart, pageCachePart, sandboxPart, factorsPart];
const RESULTS_FILE = join(ROOT, 'dist', 'bench', 'results.json');

function choose(args: string[]): Part[] {
  if (args.length === 0) return PARTS;
  const unknown = args.filter((name) => !PARTS.some((part) => part.name === name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from: ${PARTS.map((p) => p.name).join(', ')}`);
    process.exit(2);
  }
  return PARTS.filter((part) => args.includes(part.name));
}

async function main(): Promise<number> {
  const parts = choose(process.argv.slice(2));
  const measurements: Measurement[] = [];
  const skipped: Skipped[] = [];
  const failed: Skipped[] = [];
  const started = Date.now();
  console.log(`twelve bench: ${parts.map((p) => p.name).join(', ')} (node ${process.version}; tools: ${DEBIAN_PACKAGES})`);
  for (const part of parts) {
    console.log(`\n-- ${part.name}: ${part.description}`);
    const mine: Measurement[] = [];
    try {
      await part.run({
        record: (m) => { mine.push(m); measurements.push(m); },
        skip: (reason) => { skipped.push({ part: part.name, reason }); console.log(`  skipped: ${reason}`); },
      });
    } catch (error) {
      const reason = errorText(error);
      failed.push({ part: part.name, reason });
      console.log(`  FAILED: ${reason}`);
    } finally {
      // Each part starts from nothing: its platform, servers and temp dirs are gone before the next one.
      await cleanupAll();
    }
    if (mine.length > 0) printPart(part.name, mine);
  }
  writeResults(RESULTS_FILE, {
    date: new Date().toISOString(), node: process.version, seconds: Math.round((Date.now() - started) / 1000),
    measurements, skipped, failed,
  });
  printSummary(measurements, skipped, failed, RESULTS_FILE);
  return failed.length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the bench started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main().then((code) => { process.exitCode = code; }, async (error: unknown) => {
  console.error(error);
  await cleanupAll();
  process.exitCode = 1;
});
