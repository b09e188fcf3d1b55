import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { openSocketOutputs } from '../../src/launch/process-output.js';
import { readProcUsage } from '../../src/launch/proc-stat.js';
import { SpawnHelper, type HelperChild } from '../../src/launch/spawner.js';
import { waitFor } from '../run/helpers.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Spawns `script` under sh through `helper`; resolves with the child and its stdout as it comes. */
async function start(helper: SpawnHelper, script: string): Promise<{ child: HelperChild; out: () => string }> {
  const outputs = await openSocketOutputs();
  const [stdout, stderr] = outputs;
  const child = await helper.spawn({ file: '/bin/sh', args: ['-c', script], cwd: '/', env, outputs });
  let text = '';
  stdout.read((bytes) => { text += bytes.toString(); }, () => {});
  stderr.read(() => {}, () => {});
  return { child, out: () => text };
}

function exitOf(child: HelperChild): Promise<[number | null, string | null]> {
  return new Promise((resolve) => child.once('exit', (code: number | null, signal: string | null) => resolve([code, signal])));
}

/** Minor page faults of this process while `touch` runs. */
function faultsDuring(touch: () => void): number {
  const before = readProcUsage(process.pid)!.minorFaults;
  touch();
  return readProcUsage(process.pid)!.minorFaults - before;
}

describe('SpawnHelper', () => {
  const helper = new SpawnHelper();
  after(() => { if (helper.pid) process.kill(helper.pid); });

  it('starts a process without write-protecting twelve\'s memory, as a fork of twelve would', async () => {
    helper.start();
    const memory = Buffer.alloc(32 * 1024 * 1024, 1); // 8,192 pages, all written once
    const { child } = await start(helper, 'exit 0');
    await exitOf(child);
    const afterHelperSpawn = faultsDuring(() => memory.fill(2));
    // The same through Node's own spawn: libuv forks this process, and every page written again faults.
    const direct = spawn('/bin/sh', ['-c', 'exit 0'], { stdio: 'ignore' });
    await new Promise((resolve) => direct.once('exit', resolve));
    const afterOwnSpawn = faultsDuring(() => memory.fill(3));
    assert.ok(afterOwnSpawn > 6000, `a fork of this process: ${afterOwnSpawn} faults`);
    assert.ok(afterHelperSpawn < 500, `through the helper: ${afterHelperSpawn} faults`);
  });

  it('hands over the output sockets and tells the pid, the exit code and the signal', async () => {
    const first = await start(helper, 'echo "hello from $$"; exit 3');
    assert.ok(first.child.pid! > 0);
    assert.deepEqual(await exitOf(first.child), [3, null]);
    await waitFor('the output', () => first.out() === `hello from ${first.child.pid}\n`);
    const second = await start(helper, 'exec sleep 30');
    process.kill(second.child.pid!, 'SIGTERM');
    assert.deepEqual(await exitOf(second.child), [null, 'SIGTERM']);
  });

  it('tells the exit of a process that ends before its caller has listened (both replies read at once)', async () => {
    // A busy twelve reads the helper's channel late, and the 'spawned' and 'exit' replies of a short
    // command then come in one read. Their events must still reach whoever awaited the spawn: here
    // twenty processes that exit at once, spawned while this thread keeps busy for 20 ms of every 21.
    const busy = setInterval(() => { const until = Date.now() + 20; while (Date.now() < until); }, 1);
    try {
      const started = await Promise.all(Array.from({ length: 20 }, () => start(helper, 'exit 7')));
      const exits = await Promise.race([
        Promise.all(started.map(({ child }) => exitOf(child))),
        new Promise<'lost'>((resolve) => setTimeout(() => resolve('lost'), 10_000).unref()),
      ]);
      assert.notEqual(exits, 'lost', 'an exit was never told');
      assert.deepEqual(exits, Array.from({ length: 20 }, () => [7, null]));
    } finally {
      clearInterval(busy);
    }
  });

  it('reports a process that cannot be started as spawn does: error without a pid, then close', async () => {
    const outputs = await openSocketOutputs();
    const child = await helper.spawn({ file: '/no/such/program', args: [], cwd: '/', env, outputs });
    for (const output of outputs) output.destroy();
    const events: string[] = [];
    let code: string | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => { events.push('error'); code = error.code; });
    child.once('close', () => events.push('close'));
    await waitFor('error and close', () => events.length === 2);
    assert.equal(child.pid, undefined);
    assert.deepEqual(events, ['error', 'close']);
    assert.equal(code, 'ENOENT');
  });

  it('tells a failed start, and an exit, to listeners that come after they were emitted', async () => {
    const outputs = await openSocketOutputs();
    const failed = await helper.spawn({ file: '/no/such/program', args: [], cwd: '/', env, outputs });
    failed.on('error', () => {});
    await new Promise((resolve) => failed.once('close', resolve)); // emitted now
    const late = await new Promise<[string | undefined, boolean]>((resolve) => {
      failed.on('error', (error: NodeJS.ErrnoException) => failed.once('close', () => resolve([error.code, true])));
    });
    assert.deepEqual(late, ['ENOENT', true]);
    const { child } = await start(helper, 'exit 5');
    assert.deepEqual(await exitOf(child), [5, null]); // emitted now
    assert.deepEqual(await exitOf(child), [5, null]);
    // However the listener is added.
    const told = await Promise.all(['addListener', 'prependListener', 'prependOnceListener'].map((method) =>
      new Promise<number | null | 'lost'>((resolve) => {
        const timer = setTimeout(() => resolve('lost'), 5_000);
        (child[method as 'addListener'] as (event: string, listener: (code: number | null) => void) => unknown).call(child, 'exit', (code: number | null) => {
          clearTimeout(timer);
          resolve(code);
        });
      })));
    assert.deepEqual(told, [5, 5, 5]);
  });

  it('still tells the end of its processes when the helper itself is killed, and starts a new helper', async () => {
    const { child } = await start(helper, 'exec sleep 0.5');
    const oldHelper = helper.pid!;
    process.kill(oldHelper, 'SIGKILL');
    const [code, signal] = await exitOf(child);
    assert.deepEqual([code, signal], [null, null], 'its status went with the helper');
    const next = await start(helper, 'exit 0');
    assert.notEqual(helper.pid, oldHelper);
    assert.deepEqual(await exitOf(next.child), [0, null]);
  });
});
