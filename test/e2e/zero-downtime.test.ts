/** Releases go live all at once or not at all, under a steady load that must see only 2xx answers. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, waitFor } from './harness.js';
import { failures, percentile, startLoad } from './load.js';

interface ReleaseRow { version: number; status: string; current: boolean; description: string }
interface Proc { name: string; state: string; release: number }

const platform = new TestPlatform({ TWELVE_SETTLE_TIME: '1', TWELVE_CRASH_WINDOW: '30', TWELVE_STOP_TIMEOUT: '10' });
before(() => platform.start());
after(() => platform.dispose());

test('deploys, a config change, scaling 1 -> 3 -> 1 and a rollback under load: every request gets a 2xx', async () => {
  await platform.ok('apps:create', 'steady');
  const dir = copyFixture('node-web');
  await platform.ok('deploy', dir, '-a', 'steady');
  const load = startLoad({ port: platform.routerPort, host: 'steady.localhost', concurrency: 4, maxMs: 240_000 });
  // The same over the https port: TLS connections are switched between releases as plain ones are.
  const ca = (await platform.ok('certs:ca')).stdout;
  const tlsLoad = startLoad({ port: platform.httpsPort, host: 'steady.localhost', concurrency: 2, maxMs: 240_000, tlsCa: ca });
  try {
    for (let i = 1; i <= 5; i += 1) {
      writeFileSync(join(dir, 'VERSION'), `${i}\n`);
      await platform.ok('deploy', dir, '-a', 'steady');
    }
    await platform.ok('config:set', 'GREETING=steady', '-a', 'steady');
    await platform.ok('ps:scale', 'web=3', '-a', 'steady');
    await platform.ok('ps:scale', 'web=1', '-a', 'steady');
    await platform.ok('rollback', '-a', 'steady');
  } finally {
    const results = { http: await load.stop(), https: await tlsLoad.stop() };
    for (const [transport, result] of Object.entries(results)) {
      console.log(`# ${transport}: ${result.requests} requests during 5 deploys, a config change, 1->3->1 and a rollback: ${JSON.stringify(result.byStatus)} errors ${JSON.stringify(result.errors)} p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms`);
      assert.ok(result.requests > 100, `only ${result.requests} ${transport} requests were made`);
      assert.equal(failures(result), 0, `${transport}: non-2xx answers or errors: ${JSON.stringify(result)}`.slice(0, 500));
    }
  }
  const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'steady');
  assert.equal(releases[0]!.version, 8);
  assert.ok(releases[0]!.current);
});

test('a release whose worker crashes at boot is refused: the old release keeps serving and stays current', async () => {
  await platform.ok('apps:create', 'workers');
  const dir = copyFixture('node-web');
  await platform.ok('deploy', dir, '-a', 'workers');
  await platform.ok('ps:scale', 'worker=1', '-a', 'workers');
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\nworker: node -e "console.error(\'worker cannot start\'); process.exit(2)"\n');
  const load = startLoad({ port: platform.routerPort, host: 'workers.localhost', concurrency: 2, maxMs: 120_000 });
  const refused = await platform.cli('deploy', dir, '-a', 'workers');
  const result = await load.stop();
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /worker\.1/);
  assert.match(refused.stderr, /worker cannot start/);
  assert.equal(failures(result), 0, JSON.stringify(result.byStatus));
  const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'workers');
  assert.deepEqual(releases.map((r) => [r.version, r.status, r.current]), [[2, 'failed', false], [1, 'succeeded', true]]);
  const procs = await platform.json<Proc[]>('ps', '-a', 'workers');
  assert.deepEqual(procs.map((p) => `${p.name}@v${p.release}:${p.state}`), ['web.1@v1:up', 'worker.1@v1:up']);
});

test('a web process that fails its app.json health check never takes traffic, and the release is refused', async () => {
  await platform.ok('apps:create', 'checked');
  const dir = copyFixture('node-web');
  await platform.ok('deploy', dir, '-a', 'checked');
  writeFileSync(join(dir, 'app.json'), JSON.stringify({ healthcheck: { path: '/up', attempts: 2, interval: 0.2, timeout: 1 } }));
  writeFileSync(join(dir, 'Procfile'), `web: node -e "require('http').createServer((q, s) => { s.statusCode = q.url === '/up' ? 500 : 200; s.end('new') }).listen(process.env.PORT, '127.0.0.1')"\n`);
  const refused = await platform.cli('deploy', dir, '-a', 'checked');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /health check/);
  assert.match((await platform.get('checked')).body, /^ok/);
});

test('a release that crash-loops after going live is rolled back automatically, with an event saying so', async () => {
  await platform.ok('apps:create', 'loopy');
  const dir = copyFixture('node-web');
  await platform.ok('deploy', dir, '-a', 'loopy');
  // Comes up, serves for a moment, then dies: it passes the boot check but not its first minute.
  writeFileSync(join(dir, 'Procfile'), 'web: node -e "require(\'./server.js\'); setTimeout(() => process.exit(1), 700)"\n');
  await platform.ok('deploy', dir, '-a', 'loopy');
  const releases = await waitFor('the automatic rollback', async () => {
    const rows = await platform.json<ReleaseRow[]>('releases', '-a', 'loopy');
    return rows[0]!.version === 3 && rows[0]!.current ? rows : undefined;
  }, 60_000, 250);
  assert.match(releases[0]!.description, /Auto-rollback to v1/);
  const logs = (await platform.ok('logs', '-a', 'loopy', '-n', '300')).stdout;
  assert.match(logs, /v2 crashed 3 times within 30 s of going live: rolling back to v1/);
  await waitFor('v1 serving again', async () => (await platform.get('loopy')).status === 200);
});

test('domains:add routes another host name to the app until domains:remove', async () => {
  await platform.ok('apps:create', 'named');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'named');
  await platform.ok('domains:add', 'www.named.test', '-a', 'named');
  const domains = await platform.json<Array<{ hostname: string }>>('domains', '-a', 'named');
  assert.deepEqual(domains.map((d) => d.hostname), ['www.named.test']);
  const direct = await platform.getHost('www.named.test');
  assert.equal(direct.status, 200);
  const taken = await platform.cli('domains:add', 'www.named.test', '-a', 'steady');
  assert.match(taken.stderr, /already routes to named/);
  await platform.ok('domains:remove', 'www.named.test', '-a', 'named');
  assert.equal((await platform.getHost('www.named.test')).status, 404);
});

test('old web processes finish the requests in flight before they get SIGTERM, even if they exit at once on it', async () => {
  await platform.ok('apps:create', 'drained');
  const dir = copyFixture('node-web');
  // A server with no graceful shutdown: SIGTERM ends it on the spot, so only twelve's drain saves the slow request.
  writeFileSync(join(dir, 'slow.js'), `require('http').createServer((q, s) => {
  if (q.url === '/slow') { console.log('slow request started'); setTimeout(() => s.end('slow done ' + process.env.TWELVE_RELEASE_VERSION), 1500); }
  else s.end('ok ' + process.env.TWELVE_RELEASE_VERSION);
}).listen(process.env.PORT, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`);
  writeFileSync(join(dir, 'Procfile'), 'web: node slow.js\n');
  await platform.ok('deploy', dir, '-a', 'drained');
  const slow = platform.get('drained', '/slow');
  await waitFor('the slow request to reach v1\'s process', async () => (await platform.ok('logs', '-a', 'drained', '--ps', 'web')).stdout.includes('slow request started'), 10_000, 100);
  writeFileSync(join(dir, 'VERSION'), 'next\n');
  await platform.ok('deploy', dir, '-a', 'drained');
  const answer = await slow;
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'slow done v1');
  assert.equal((await platform.get('drained')).body, 'ok v2');
});

test('ps shows a deploy\'s new processes booting beside the ones that serve', async () => {
  await platform.ok('apps:create', 'visible');
  const dir = copyFixture('node-web');
  await platform.ok('deploy', dir, '-a', 'visible');
  // Slow to bind, so the new web.1 is seen starting while the old one serves.
  writeFileSync(join(dir, 'Procfile'), 'web: node -e "setTimeout(() => require(\'./server.js\'), 2000)"\n');
  const deploying = platform.cli('deploy', dir, '-a', 'visible');
  const both = await waitFor('v1 serving and v2 booting in ps', async () => {
    const procs = await platform.json<Proc[]>('ps', '-a', 'visible');
    const names = procs.map((p) => `${p.name}@v${p.release}:${p.state}`);
    return names.includes('web.1@v1:up') && names.includes('web.1@v2:starting') ? names : undefined;
  }, 20_000, 100);
  assert.equal(both.length, 2);
  assert.equal((await deploying).code, 0);
  const after = await platform.json<Proc[]>('ps', '-a', 'visible');
  assert.deepEqual(after.map((p) => `${p.name}@v${p.release}:${p.state}`), ['web.1@v2:up']);
});
