/** `twelve run` end to end: stdin, stdout, stderr and exit codes pass through, Ctrl-C stops it, ps and logs show it. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, copyFixture, isAlive, TestPlatform, waitFor } from './harness.js';
import { type SqlService, startSqlService } from './sql-service.js';

interface Proc { name: string; state: string; pid: number | null; release: number }

const platform = new TestPlatform();
const dbDir = mkdtempSync(join(tmpdir(), 'twelve-run-db-'));
let appDir: string;
let service: SqlService;

before(async () => {
  await platform.start();
  service = await startSqlService(dbDir);
  appDir = copyFixture('release-phase');
  await platform.ok('apps:create', 'oneoff');
  await platform.ok('config:set', `DATABASE_URL=${service.url('db')}`, 'GREETING=first', '-a', 'oneoff');
  await platform.ok('deploy', appDir, '-a', 'oneoff');
  await platform.ok('config:set', 'GREETING=second', '-a', 'oneoff');
});
after(async () => {
  await platform.dispose();
  await service.close();
  rmSync(dbDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
});

test('passes stdin through, keeps stdout and stderr apart and exits with the command\'s status', async () => {
  const result = await platform.cliWithInput('hello\nworld\n', 'run', '-a', 'oneoff', '--', 'sh', '-c', 'cat; echo "to stderr" >&2; exit 3');
  assert.equal(result.code, 3);
  assert.equal(result.stdout, 'hello\nworld\n');
  assert.match(result.stderr, /Running `sh -c .*` on oneoff\.\.\. up, run\.\d+ \(v2\)/);
  assert.match(result.stderr, /to stderr/);
  const ok = await platform.ok('run', '-a', 'oneoff', 'echo $GREETING $DYNO; cat VERSION');
  assert.match(ok.stdout, /^second run\.\d+\nv1\n$/);
});

test('--release runs in an earlier release with its config; run:detached goes to the logs', async () => {
  assert.match((await platform.ok('run', '-a', 'oneoff', '--release', 'v1', 'echo $GREETING')).stdout, /^first\n$/);
  const detached = await platform.ok('run:detached', '-a', 'oneoff', '--', 'echo', 'in the background');
  const name = /up, (run\.\d+)/.exec(detached.stdout)![1]!;
  assert.match(detached.stdout, new RegExp(`twelve logs -a oneoff --ps ${name.replace('.', '\\.')} --tail`));
  await waitFor('the detached output in the logs', async () => {
    const logs = (await platform.ok('logs', '-a', 'oneoff', '--ps', name)).stdout;
    return logs.includes(`app[${name}]: in the background`) && logs.includes('Process exited with status 0');
  });
});

test('shows in ps as run.N while it runs; Ctrl-C stops it with SIGTERM and its status is the CLI\'s', async () => {
  const child = spawn(process.execPath, [CLI, 'run', '-a', 'oneoff', '--', 'sh', '-c', 'trap "echo stopping; exit 7" TERM; echo ready; while true; do sleep 0.1; done'],
    { env: platform.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.on('close', done));
  try {
    await waitFor('the command to start', () => stdout.includes('ready'));
    const running = await waitFor('run.N in ps', async () => (await platform.json<Proc[]>('ps', '-a', 'oneoff')).find((p) => p.name.startsWith('run.')));
    assert.equal(running.state, 'up');
    assert.ok(running.pid && isAlive(running.pid));
    child.kill('SIGINT');
    assert.equal(await exited, 7);
    assert.match(stdout, /stopping/);
    assert.equal(isAlive(running.pid), false);
    await waitFor('run.N to leave ps', async () => !(await platform.json<Proc[]>('ps', '-a', 'oneoff')).some((p) => p.name.startsWith('run.')));
  } finally {
    child.kill('SIGKILL');
  }
});
