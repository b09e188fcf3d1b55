/**
 * sandbox: what the sandbox costs a start. `ps:scale web=20` until all 20 answer, on a twelve whose
 * processes run sandboxed (their own user, bubblewrap, a private /app overlay, cgroups) against one with
 * TWELVE_SANDBOX=off, in interleaved rounds of one run.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { median } from '../probe.js';
import { scaleUpFromZero } from './scale.js';
import { againstBaseline, withSamples } from '../report.js';
import { detectSandboxSupport } from '../../src/sandbox/sandbox-support.js';

const APP = 'sandboxed';
const COUNT = 20;
const ROUNDS = 5;

export const sandboxPart: Part = {
  name: 'sandbox',
  description: `ps:scale web=${COUNT} until every process answers, sandboxed vs TWELVE_SANDBOX=off`,
  async run({ record, skip }) {
    const missing = detectSandboxSupport().missing;
    if (missing) {
      skip(`the sandbox cannot be had here: ${missing}`);
      return;
    }
    const dir = join(tempDir('sandbox-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const sandboxed = await BenchPlatform.launch();
    const plain = await BenchPlatform.launch({ TWELVE_SANDBOX: 'off' });
    await sandboxed.deployApp(APP, dir);
    await plain.deployApp(APP, dir);
    const on: number[] = [];
    const off: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      off.push(await scaleUpFromZero(plain, APP, COUNT));
      on.push(await scaleUpFromZero(sandboxed, APP, COUNT));
    }
    record(withSamples(againstBaseline('sandbox start', `web=0 -> web=${COUNT} sandboxed, median of ${ROUNDS}`, 'ms', median(on),
      { name: 'the same with TWELVE_SANDBOX=off', value: median(off) }, 1.15), on, off));
    const best = Math.min(...on) / Math.min(...off);
    console.log(`sandbox start: best rounds ${Math.min(...on).toFixed(0)} vs ${Math.min(...off).toFixed(0)} ms (${best.toFixed(2)}x)`);
  },
};
