import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SpawnHelper } from '../../src/launch/helper-spawner.js';
import { NativeSpawner, processSpawnAddon, processSpawnMissing } from '../../src/launch/native-spawner.js';
import { openSocketOutputs } from '../../src/launch/process-output.js';
import { readProcStat, readProcUsage } from '../../src/launch/proc-stat.js';
import type { SpawnedChild, Spawner } from '../../src/launch/spawned-child.js';
import { waitFor } from '../run/helpers.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Spawns `script` under sh through `spawner`; resolves with the child and its stdout as it comes. */
/** `ended` resolves once all of stdout was read: a process's exit can be told before its last output is. */
async function start(spawner: Spawner, script: string): Promise<{ child: SpawnedChild; out: () => string; ended: Promise<void> }> {
  const outputs = await openSocketOutputs();
  const [stdout, stderr] = outputs;
  const child = await spawner.spawn({ file: '/bin/sh', args: ['-c', script], cwd: '/', env, outputs });
  let text = '';
  const ended = new Promise<void>((resolve) => stdout.read((bytes) => { text += bytes.toString(); }, resolve));
  stderr.read(() => {}, () => {});
  return { child, out: () => text, ended };
}

function exitOf(child: SpawnedChild): Promise<[number | null, string | null]> {
  return new Promise((resolve) => child.once('exit', (code: number | null, signal: string | null) => resolve([code, signal])));
}

/** Minor page faults of this process while `touch` runs. */
function faultsDuring(touch: () => void): number {
  const before = readProcUsage(process.pid)!.minorFaults;
  touch();
  return readProcUsage(process.pid)!.minorFaults - before;
}

/** What every spawner does, the same way (the contract ProcessRun and the build rely on). */
function contract(name: string, spawner: Spawner, skip: string | false): void {
  describe(name, { skip }, () => {

    it('starts a process without write-protecting twelve\'s memory, as a fork of twelve would', async () => {
      spawner.start();
      const memory = Buffer.alloc(32 * 1024 * 1024, 1); // 8,192 pages, all written once
      const { child } = await start(spawner, 'exit 0');
      await exitOf(child);
      const afterSpawn = faultsDuring(() => memory.fill(2));
      // The same through Node's own spawn: libuv forks this process, and every page written again faults.
      const direct = spawn('/bin/sh', ['-c', 'exit 0'], { stdio: 'ignore' });
      await new Promise((resolve) => direct.once('exit', resolve));
      const afterOwnSpawn = faultsDuring(() => memory.fill(3));
      assert.ok(afterOwnSpawn > 6000, `a fork of this process: ${afterOwnSpawn} faults`);
      assert.ok(afterSpawn < 500, `through ${name}: ${afterSpawn} faults`);
    });

    it('hands over the output sockets and tells the pid, the exit code and the signal', async () => {
      const first = await start(spawner, 'echo "hello from $$"; exit 3');
      assert.ok(first.child.pid! > 0);
      assert.deepEqual(await exitOf(first.child), [3, null]);
      await waitFor('the output', () => first.out() === `hello from ${first.child.pid}\n`);
      const second = await start(spawner, 'exec sleep 30');
      process.kill(second.child.pid!, 'SIGTERM');
      assert.deepEqual(await exitOf(second.child), [null, 'SIGTERM']);
    });

    it('gives the process blocking output: what it writes faster than twelve reads arrives whole', async () => {
      const { child, out } = await start(spawner, 'head -c 2000000 /dev/zero | tr "\\0" x');
      assert.deepEqual(await exitOf(child), [0, null]);
      await waitFor('the output', () => out().length === 2_000_000);
    });

    it('tells the exit of a process that ends before its caller has listened (both replies read at once)', async () => {
      // A busy twelve reads the helper's channel late, and the 'spawned' and 'exit' replies of a short
      // command then come in one read. Their events must still reach whoever awaited the spawn: here
      // twenty processes that exit at once, spawned while this thread keeps busy for 20 ms of every 21.
      const busy = setInterval(() => { const until = Date.now() + 20; while (Date.now() < until); }, 1);
      try {
        const started = await Promise.all(Array.from({ length: 20 }, () => start(spawner, 'exit 7')));
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
      const child = await spawner.spawn({ file: '/no/such/program', args: [], cwd: '/', env, outputs });
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
      const failed = await spawner.spawn({ file: '/no/such/program', args: [], cwd: '/', env, outputs });
      failed.on('error', () => {});
      await new Promise((resolve) => failed.once('close', resolve)); // emitted now
      const late = await new Promise<[string | undefined, boolean]>((resolve) => {
        failed.on('error', (error: NodeJS.ErrnoException) => failed.once('close', () => resolve([error.code, true])));
      });
      assert.deepEqual(late, ['ENOENT', true]);
      const { child } = await start(spawner, 'exit 5');
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
  });
}

const helper = new SpawnHelper();
after(() => { if (helper.pid) process.kill(helper.pid); });
contract('NativeSpawner (posix_spawn through the process-spawn addon)', processSpawnAddon ? new NativeSpawner(processSpawnAddon) : helper,
  processSpawnAddon ? false : `the process-spawn addon: ${processSpawnMissing}`);
contract('SpawnHelper (the fallback without the addon)', helper, false);

describe('SpawnHelper', () => {
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

describe('NativeSpawner', { skip: processSpawnAddon ? false : `the process-spawn addon: ${processSpawnMissing}` }, () => {
  const native = new NativeSpawner(processSpawnAddon!);

  it('starts the process from twelve itself, in a session and process group of its own', async () => {
    const { child, out } = await start(native, 'echo "$PPID"; exec sleep 30');
    await waitFor('the parent pid', () => out() !== '');
    assert.equal(out(), `${process.pid}\n`);
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const [pgid, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(2, 4).map(Number);
    assert.deepEqual([pgid, session], [child.pid, child.pid]);
    process.kill(-child.pid!, 'SIGKILL');
    assert.deepEqual(await exitOf(child), [null, 'SIGKILL']);
  });

  it('gives it /dev/null as stdin, the output sockets as stdout and stderr, and no other descriptor', async () => {
    const { child, out, ended } = await start(native, 'ls -l /proc/self/fd/ | awk \'NR > 1 { print $9, $11 }\'');
    assert.deepEqual(await exitOf(child), [0, null]);
    await ended;
    const fds = out().trim().split('\n').map((line) => line.split(' '));
    // ls itself holds one more: the directory it reads.
    assert.deepEqual(fds.slice(0, 3).map(([fd, target]) => [fd, target!.replace(/\d+/, 'N')]),
      [['0', '/dev/null'], ['1', 'pipe:[N]'], ['2', 'socket:[N]']]);
    assert.ok(fds.length <= 4, `descriptors: ${out()}`);
  });

  it('starts it with every signal at its default and none blocked (Node ignores SIGPIPE)', async () => {
    const { child, out, ended } = await start(native, 'exec grep -E "^Sig(Ign|Blk)" /proc/self/status');
    assert.deepEqual(await exitOf(child), [0, null]);
    await ended;
    assert.equal(out(), 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  });

  it('finds the program in the child\'s PATH, starts in its cwd with its environment only', async () => {
    const outputs = await openSocketOutputs();
    const child = await native.spawn({ file: 'sh', args: ['-c', 'pwd; env | sort'], cwd: '/tmp', env: { PATH: '/bin', ONLY: 'this' }, outputs });
    let text = '';
    outputs[0].read((bytes) => { text += bytes.toString(); }, () => {});
    outputs[1].read(() => {}, () => {});
    assert.deepEqual(await exitOf(child), [0, null]);
    await waitFor('the output', () => text.includes('PWD'));
    assert.deepEqual(text.trim().split('\n').filter((line) => !line.startsWith('_=') && !line.startsWith('SHLVL=')), ['/tmp', 'ONLY=this', 'PATH=/bin', 'PWD=/tmp']);
  });

  it('fails a start in a missing directory as spawn does (ENOENT)', async () => {
    const outputs = await openSocketOutputs();
    const child = await native.spawn({ file: '/bin/sh', args: ['-c', 'exit 0'], cwd: '/no/such/dir', env, outputs });
    const code = await new Promise<string | undefined>((resolve) => child.on('error', (error: NodeJS.ErrnoException) => resolve(error.code)));
    assert.equal(code, 'ENOENT');
    assert.equal(child.pid, undefined);
  });

  it('makes an exception thrown by an exit listener uncaught, as Node\'s own child does', async () => {
    const launch = fileURLToPath(new URL('../../src/launch/', import.meta.url));
    const script = [
      `import { spawner } from ${JSON.stringify(join(launch, 'spawner.js'))};`,
      `import { openSocketOutputs } from ${JSON.stringify(join(launch, 'process-output.js'))};`,
      "process.on('uncaughtException', (error) => { console.log(spawner.constructor.name, error.message); process.exit(0); });",
      'const outputs = await openSocketOutputs();',
      "const child = await spawner.spawn({ file: '/bin/true', args: [], cwd: '/', env: {}, outputs });",
      'for (const output of outputs) output.read(() => {}, () => {});',
      "child.once('exit', () => { throw new Error('thrown by a listener'); });",
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    await new Promise((resolve) => child.once('close', resolve));
    assert.equal(out.trim(), 'NativeSpawner thrown by a listener');
  });

  it('reaps what it started: no zombie is left', async () => {
    const { child } = await start(native, 'exit 0');
    await exitOf(child);
    assert.equal(readProcStat(child.pid!), null);
  });
});

describe('spawner', () => {
  it('falls back to the spawn helper where the addon is not built', async () => {
    // dist/src/launch/ with no native/ beside it: the addon cannot load.
    const dir = mkdtempSync(join(tmpdir(), 'twelve-no-addon-'));
    try {
      const src = fileURLToPath(new URL('../../src/', import.meta.url));
      cpSync(join(src, 'launch'), join(dir, 'dist/src/launch'), { recursive: true });
      cpSync(join(src, 'native-addon.js'), join(dir, 'dist/src/native-addon.js'));
      const script = [
        `import { spawner } from ${JSON.stringify(join(dir, 'dist/src/launch/spawner.js'))};`,
        `import { openSocketOutputs } from ${JSON.stringify(join(dir, 'dist/src/launch/process-output.js'))};`,
        'const outputs = await openSocketOutputs();',
        "const child = await spawner.spawn({ file: '/bin/sh', args: ['-c', 'echo $PPID'], cwd: '/', env: {}, outputs });",
        "let text = ''; const read = new Promise((resolve) => outputs[0].read((b) => { text += b; }, resolve)); outputs[1].read(() => {}, () => {});",
        "const [code] = await new Promise((resolve) => child.once('exit', (...end) => resolve(end)));",
        'await read;',
        'console.log(spawner.constructor.name, code, text.trim() === String(spawner.pid), spawner.pid !== process.pid);',
        'process.exit(0);',
      ].join('\n');
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      await new Promise((resolve) => child.once('close', resolve));
      assert.equal(out.trim(), 'SpawnHelper 0 true true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
