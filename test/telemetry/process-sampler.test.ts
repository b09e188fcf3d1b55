/** The sampler against real processes: a shell and the node it started count as one process, as a dyno does. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import type { SupervisedProcess } from '../../src/run/process-spec.js';
import { ProcessSampler } from '../../src/telemetry/process-sampler.js';
import { parseSmapsRollup, readProcUsage } from '../../src/telemetry/proc-usage.js';
import { waitFor } from '../e2e/harness.js';

// A shell whose child holds 64 MiB written (so resident) and burns CPU in short bursts.
const child = spawn('/bin/sh', ['-c', `${process.execPath} -e "const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => { const t = Date.now(); while (Date.now() - t < 20); }, 50); console.log(b.length)"; true`], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
// Its own process group, so that one kill ends the shell and its node.
after(() => { process.kill(-child.pid!, 'SIGKILL'); });

function view(pid: number): SupervisedProcess {
  return {
    id: 'p1', name: 'web.1', state: 'up', pid, port: 1, since: '', restarts: 2, lastExit: null, bootMs: null,
    spec: { app: 'a', appId: 1, releaseVersion: 3, type: 'web', number: 1, command: '', cwd: '/', env: {} },
  };
}

test('smaps_rollup is read in bytes', () => {
  assert.deepEqual(parseSmapsRollup('x [rollup]\nRss:  4280 kB\nPss:  940 kB\nSwap:  8 kB\n'), { rss: 4280 * 1024, pss: 940 * 1024, swap: 8 * 1024 });
});

test('a process and its descendants are read as one: memory, CPU, descriptors, start time', async () => {
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  const usage = readProcUsage(child.pid!)!;
  assert.equal(usage.processes, 2, 'the shell and its node');
  assert.ok(usage.rssBytes > 64 * 1024 * 1024, `RSS ${usage.rssBytes} holds the 64 MiB buffer`);
  assert.ok(usage.pssBytes > 0 && usage.pssBytes <= usage.rssBytes);
  assert.ok(usage.openFds >= 6);
  assert.equal(readProcUsage(2 ** 22 + 12345), null, 'no such process');

  const errors: unknown[] = [];
  const sampler = new ProcessSampler(() => [view(child.pid!)], (error) => errors.push(error), 60_000);
  sampler.onSample(() => { throw new Error('a broken listener'); });
  const [first] = sampler.sample();
  assert.equal(first!.dyno, 'web.1');
  assert.equal(first!.cpuCores, 0, 'no interval yet');
  assert.ok(Math.abs(first!.startTimeSeconds! - Date.now() / 1000) < 60, 'started within the last minute');
  const second = await waitFor('CPU use over an interval', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [sample] = sampler.sample();
    return sample!.cpuCores > 0 && sample;
  }, 10_000, 0);
  assert.ok(second.cpuCores < 2);
  assert.ok(second.usage!.cpuSeconds > first!.usage!.cpuSeconds);
  assert.ok(second.load[0] > 0 && second.load[0] < second.cpuCores, 'the 1 min load moves toward the CPU used');
  assert.ok(sampler.costSeconds > 0);
  assert.equal(errors.length, sampler.rounds, 'each round\'s listener failure reported, not thrown');
  const waiting = new ProcessSampler(() => [{ ...view(1), pid: null, state: 'crashed' }], () => undefined);
  assert.deepEqual(waiting.sample().map((s) => [s.state, s.usage]), [['crashed', null]], 'a process waiting to restart has a state and no figures');
});
