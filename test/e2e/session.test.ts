/** The user session of the core issue, from apps:create to apps:destroy, through the real CLI. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { copyFixture, isAlive, TestPlatform } from './harness.js';

interface Proc { name: string; type: string; state: string; pid: number; port: number | null; release: number }
interface ReleaseRow { version: number; status: string; current: boolean; description: string }

const platform = new TestPlatform();
let appDir: string;

before(async () => {
  await platform.start();
  appDir = copyFixture('node-web');
});
after(() => platform.dispose());

test('a whole session: create, deploy, configure, scale, logs, releases, rollback, destroy', async (t) => {
  await t.test('apps:create makes an app', async () => {
    const created = await platform.ok('apps:create', 'hello');
    assert.match(created.stdout, /hello/);
    const apps = await platform.json<Array<{ name: string }>>('apps');
    assert.deepEqual(apps.map((a) => a.name), ['hello']);
  });

  await t.test('deploy streams the build and ends with released v1 and the URL', async () => {
    const deployed = await platform.ok('deploy', appDir, '-a', 'hello');
    assert.match(deployed.stdout, /Node\.js app detected/);
    assert.match(deployed.stdout, /released v1/i);
    assert.match(deployed.stdout, new RegExp(`http://hello\\.localhost:${platform.routerPort}/`));
    const answer = await platform.get('hello');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /^ok {2}web\.1/);
    assert.ok(answer.headers['x-request-id']);
  });

  await t.test('config:set makes release v2 and the processes restart with it', async () => {
    const set = await platform.ok('config:set', 'GREETING=hi', '-a', 'hello');
    assert.match(set.stdout, /v2/);
    assert.match((await platform.get('hello')).body, /^ok hi web\.1/);
    assert.equal((await platform.ok('config:get', 'GREETING', '-a', 'hello')).stdout.trim(), 'hi');
  });

  await t.test('ps:scale web=3 worker=1 runs three web processes that all serve, and a worker', async () => {
    await platform.ok('ps:scale', 'web=3', 'worker=1', '-a', 'hello');
    const processes = await platform.json<Proc[]>('ps', '-a', 'hello');
    assert.deepEqual(processes.map((p) => `${p.name}:${p.state}`).sort(), ['web.1:up', 'web.2:up', 'web.3:up', 'worker.1:up']);
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 3; i += 1) seen.add((await platform.get('hello')).body.trim().split(' ').pop()!);
    assert.deepEqual([...seen].sort(), ['web.1', 'web.2', 'web.3']);
    const text = (await platform.ok('ps', '-a', 'hello')).stdout;
    assert.match(text, /web\.3/);
  });

  await t.test('logs shows process output, router lines and platform events; --tail streams new lines', async () => {
    const logs = (await platform.ok('logs', '-a', 'hello', '-n', '500')).stdout;
    assert.match(logs, /app\[web\.1\]:/);
    assert.match(logs, /router\[router\]: at=info method=GET/);
    assert.match(logs, /twelve\[/);

    const tail = await platform.liveTail('hello', ['--ps', 'router'], '/tail-check');
    tail.stop();
  });

  await t.test('releases lists every release, newest first, with the current one marked', async () => {
    const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'hello');
    assert.deepEqual(releases.map((r) => r.version), [2, 1]);
    assert.equal(releases[0]!.current, true);
    assert.match((await platform.ok('releases', '-a', 'hello')).stdout, /v2/);
  });

  await t.test('rollback v1 makes v3 with v1\'s build and config', async () => {
    const rolled = await platform.ok('rollback', 'v1', '-a', 'hello');
    assert.match(rolled.stdout, /v3/);
    const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'hello');
    assert.equal(releases[0]!.version, 3);
    assert.match(releases[0]!.description, /v1/);
    assert.match((await platform.get('hello')).body, /^ok {2}web\./);
    const config = await platform.json<Record<string, string>>('config', '-a', 'hello');
    assert.equal(config.GREETING, undefined);
  });

  await t.test('apps:destroy stops every process and forgets the app', async () => {
    const pids = (await platform.json<Proc[]>('ps', '-a', 'hello')).map((p) => p.pid);
    assert.ok(pids.length >= 4);
    const refused = await platform.cli('apps:destroy', '-a', 'hello');
    assert.notEqual(refused.code, 0);
    await platform.ok('apps:destroy', '-a', 'hello', '--confirm', 'hello');
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} still runs`);
    assert.equal((await platform.get('hello')).status, 404);
    const missing = await platform.cli('ps', '-a', 'hello');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no app named hello/);
  });
});
