/** What must not break: failed builds, crashing processes, kill -9 of a process and of twelve itself. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, isAlive, TestPlatform, waitFor } from './harness.js';

interface Proc { name: string; type: string; state: string; pid: number; restarts: number }
interface ReleaseRow { version: number; status: string; current: boolean }

const platform = new TestPlatform();
before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'web');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'web');
});
after(() => platform.dispose());

test('a build that fails makes no release and leaves the previous release serving', async () => {
  const failed = await platform.cli('deploy', copyFixture('node-bad-build'), '-a', 'web');
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr + failed.stdout, /BUILD_FAILED|exited with code/);
  assert.equal((await platform.get('web')).status, 200);
  const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'web');
  assert.deepEqual(releases.map((r) => [r.version, r.current]), [[1, true]]);
});

test('a release whose web process crashes at boot is refused and the previous one keeps serving', async () => {
  const dir = copyFixture('node-web');
  writeFileSync(join(dir, 'Procfile'), 'web: node -e "console.error(\'boom at boot\'); process.exit(3)"\n');
  const refused = await platform.cli('deploy', dir, '-a', 'web');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr + refused.stdout, /web\.1/);
  assert.equal((await platform.get('web')).status, 200);
  const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'web');
  assert.equal(releases.find((r) => r.current)?.version, 1);
  assert.equal(releases[0]!.status, 'failed');
});

test('a web process killed with SIGKILL is restarted and answers again', async () => {
  const [before] = await platform.json<Proc[]>('ps', '-a', 'web');
  process.kill(before!.pid, 'SIGKILL');
  const killedAt = Date.now();
  const after = await waitFor('web.1 to run again with a new pid', async () => {
    const [proc] = await platform.json<Proc[]>('ps', '-a', 'web');
    return proc && proc.pid !== before!.pid && proc.state === 'up' ? proc : undefined;
  });
  assert.ok(after.restarts >= 1);
  await waitFor('web to answer', async () => (await platform.get('web')).status === 200);
  console.log(`# web.1 answered again ${Date.now() - killedAt} ms after kill -9 (includes CLI polling)`);
});

test('kill -9 of twelve, then twelve serve: the formation comes back with no orphan and no duplicate', async () => {
  await platform.ok('ps:scale', 'web=2', 'worker=1', '-a', 'web');
  const old = await platform.json<Proc[]>('ps', '-a', 'web');
  assert.equal(old.length, 3);
  await platform.kill9();
  await platform.start();
  const restored = await waitFor('the formation to be back', async () => {
    const procs = await platform.json<Proc[]>('ps', '-a', 'web');
    return procs.length === 3 && procs.every((p) => p.state === 'up') ? procs : undefined;
  });
  assert.deepEqual(restored.map((p) => p.name).sort(), ['web.1', 'web.2', 'worker.1']);
  for (const proc of old) assert.equal(isAlive(proc.pid), false, `${proc.name} (pid ${proc.pid}) of the killed twelve is still running`);
  assert.equal((await platform.get('web')).status, 200);
  // The app's stream says that its log misses what came while twelve was down; a clean stop says nothing.
  const unclean = async () => (await platform.ok('logs', '-a', 'web', '--source', 'twelve', '--grep', 'not shut down cleanly', '-n', '10')).stdout.trim().split('\n').filter(Boolean);
  assert.equal((await unclean()).length, 1);
  assert.match((await unclean())[0]!, /twelve\[twelve\]: twelve was not shut down cleanly \(killed or crashed\): lines written while it was down/);
  assert.equal(await platform.stop(), 0);
  await platform.start();
  await waitFor('web to answer', async () => (await platform.get('web')).status === 200);
  assert.equal((await unclean()).length, 1, 'a clean restart adds no such event');
});

test('SIGTERM stops every app process and twelve exits 0', async () => {
  const procs = await platform.json<Proc[]>('ps', '-a', 'web');
  assert.equal(await platform.stop(), 0);
  for (const proc of procs) assert.equal(isAlive(proc.pid), false, `${proc.name} still runs`);
  await platform.start();
});

test('SIGTERM stops every app process even when nobody reads twelve\'s output any more (a closed terminal)', async () => {
  const procs = await platform.json<Proc[]>('ps', '-a', 'web');
  assert.ok(procs.length > 0);
  // As when the terminal or the pipe twelve logs to goes away: its next write fails with EPIPE.
  platform.process!.stdout!.destroy();
  platform.process!.stderr!.destroy();
  assert.equal(await platform.stop(), 0);
  for (const proc of procs) assert.equal(isAlive(proc.pid), false, `${proc.name} still runs`);
  await platform.start();
});
