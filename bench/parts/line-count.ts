/**
 * line-count: what counting the lines of a busy process's reads costs twelve (every line gets an id, so
 * every read is counted). One million 90-byte lines in reads of 700 lines, counted by the WebAssembly
 * SIMD loop twelve uses, against one `indexOf` per line (the way before it, and the fallback). Best of 7
 * rounds each, interleaved; no goal, for the record (docs/logs.md).
 */
import { countByIndexOf, countNewlines, countsWithSimd } from '../../src/run/count-newlines.js';
import type { Part } from '../part.js';
import { againstBaseline } from '../report.js';

const LINES = 1_000_000;
const PER_READ = 700;
const ROUNDS = 7;

function timeCounting(reads: Buffer[], count: (bytes: Buffer) => number): number {
  const start = process.hrtime.bigint();
  let lines = 0;
  for (const read of reads) lines += count(read);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (lines !== LINES) throw new Error(`counted ${lines} lines, not ${LINES}`);
  return ms;
}

export const lineCountPart: Part = {
  name: 'line-count',
  description: `counting ${LINES.toLocaleString('en')} 90-byte lines in reads of ${PER_READ} (best of ${ROUNDS})`,
  async run({ record, skip }) {
    if (!countsWithSimd) {
      skip('WebAssembly SIMD is not available to this Node.js: twelve counts with indexOf here');
      return;
    }
    const line = (i: number) => `${String(i).padStart(9, '0')} ${'x'.repeat(79)}\n`;
    const reads: Buffer[] = [];
    for (let i = 0; i < LINES; i += PER_READ) {
      reads.push(Buffer.from(Array.from({ length: Math.min(PER_READ, LINES - i) }, (_, j) => line(i + j)).join('')));
    }
    // Both ways once before timing, so both are compiled by V8's optimizing tier.
    timeCounting(reads, countNewlines);
    timeCounting(reads, countByIndexOf);
    const best = { simd: Infinity, indexOf: Infinity };
    for (let round = 0; round < ROUNDS; round++) {
      best.simd = Math.min(best.simd, timeCounting(reads, countNewlines));
      best.indexOf = Math.min(best.indexOf, timeCounting(reads, countByIndexOf));
    }
    console.log(`  best of ${ROUNDS}: ${best.simd.toFixed(1)} ms with SIMD, ${best.indexOf.toFixed(1)} ms with indexOf`);
    record(againstBaseline('line-count', `CPU to count ${LINES.toLocaleString('en')} lines`, 'ms', best.simd, { name: 'one indexOf per line', value: best.indexOf }, null));
  },
};
