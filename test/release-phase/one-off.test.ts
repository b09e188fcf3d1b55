/** One-off processes on real processes: exit status, stdin, output, records, stop; `release` is never a formation type. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { LogBus } from '../../src/logs/log-bus.js';
import { validateScale } from '../../src/flows/formation-change.js';
import { OneOff, type OneOffSpec } from '../../src/run/one-off.js';
import { groupIsRunning } from '../../src/launch/proc-stat.js';
import { shellCommand } from '../../src/run/shell-words.js';
import { openDatabase } from '../../src/store/database.js';
import { formationForRelease } from '../../src/store/formation.js';
import { listProcessRecords } from '../../src/store/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'twelve-one-off-'));
const db = openDatabase(join(dir, 'twelve.db'));
const logs = new LogBus();
const deps = { db, logs, logger: pino({ level: 'silent' }), stopTimeoutMs: 500 };
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function spec(command: string | string[], overrides: Partial<OneOffSpec> = {}): OneOffSpec {
  const { display, script } = shellCommand(command);
  return {
    app: 'app', appId: 1, releaseVersion: 3, type: 'run', number: 1, command: display, script, buildId: 'b', cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hi' }, stdin: false, ...overrides,
  };
}

test('passes stdin through, streams stdout and stderr apart, publishes lines as run.N and ends with the exit status', async () => {
  let out = '';
  let err = '';
  const proc = new OneOff(spec(['sh', '-c', 'read line; echo "got $line $GREETING $DYNO"; echo oops >&2; exit 3'], { stdin: true, number: 7 }), deps, {
    onStdout: (chunk) => { out += chunk.toString(); },
    onStderr: (chunk) => { err += chunk.toString(); },
  });
  proc.start();
  assert.equal(proc.state, 'up');
  assert.equal(listProcessRecords(db).find((record) => record.id === proc.id)?.type, 'run');
  proc.write(Buffer.from('hello\n'));
  proc.endInput();
  const exit = await proc.done;
  assert.equal(exit.code, 3);
  assert.equal(out, 'got hello hi run.7\n');
  assert.equal(err, 'oops\n');
  const lines = logs.history('app').filter((event) => event.process === 'run.7' && event.source === 'app').map((event) => event.text);
  assert.deepEqual(lines, ['got hello hi run.7', 'oops']);
  assert.equal(listProcessRecords(db).some((record) => record.id === proc.id), false, 'its record is forgotten');
});

test('stop sends SIGTERM to the group and SIGKILL to what ignores it after the stop timeout', async () => {
  const proc = new OneOff(spec('trap "" TERM; sleep 30 & echo started; wait'), deps, {});
  const started = new Promise<void>((resolve) => {
    const unsubscribe = logs.subscribe('app', (event) => {
      if (event.text === 'started') { unsubscribe(); resolve(); }
    });
  });
  proc.start();
  const pid = proc.pid!;
  await started;
  const begun = Date.now();
  const exit = await proc.stop();
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(Date.now() - begun >= 400, 'it had its stop timeout first');
  assert.equal(groupIsRunning(pid), false, 'nothing of its group is left');
});

test('a one-off that cannot start ends at once with status 127', async () => {
  const proc = new OneOff(spec('true', { cwd: join(dir, 'missing') }), deps, {});
  proc.start();
  assert.equal((await proc.done).code, 127);
});

test('the release command is never a formation type and cannot be scaled', () => {
  const types = { release: 'python migrate.py', web: 'node server.js', worker: 'node worker.js' };
  assert.deepEqual(formationForRelease({ release: 1, worker: 2 }, types), { web: 1, worker: 2 });
  assert.throws(() => validateScale({ release: 1 }, types), { code: 'UNKNOWN_PROCESS_TYPE' });
});
