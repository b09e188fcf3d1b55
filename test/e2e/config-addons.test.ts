/** End to end with real PostgreSQL and Redis: addons, required config, .env files, data across restarts, external URLs, parity. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AddonView } from '../../src/api/types.js';
import { copyFixture, TestPlatform, waitFor } from './harness.js';

test('an app keeps its data in provisioned PostgreSQL and Redis across releases and restarts, with config sealed at rest', { timeout: 300_000 }, async (t) => {
  const platform = new TestPlatform();
  const dir = copyFixture('node-addons');
  t.after(async () => {
    await platform.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  await platform.start();
  const body = async (path: string) => {
    const answer = await platform.get('shop', path);
    assert.equal(answer.status, 200, `${path}: ${answer.body}`);
    return answer.body;
  };

  await platform.ok('apps:create', 'shop');
  await platform.ok('addons:create', 'postgres', '-a', 'shop');
  await platform.ok('addons:create', 'redis', '-a', 'shop');
  await platform.ok('deploy', dir, '-a', 'shop');
  assert.equal(await body('/db/write?note=a'), 'ok');
  assert.equal(await body('/db/read'), 'a');
  assert.equal(await body('/redis/incr'), '1');
  assert.deepEqual(JSON.parse(await body('/env')), { db: true, secret: 64, greeting: 'hello' }, 'app.json fills defaults and generates secrets');

  // A release missing required config is refused, listing the key and what it is for; v1 keeps serving.
  const refused = await platform.cli('config:unset', 'DATABASE_URL', '-a', 'shop');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /DATABASE_URL \(the PostgreSQL database notes are kept in\): missing/);
  assert.equal(await body('/'), 'hello from v1');

  const envFile = join(dir, 'prod.env');
  writeFileSync(envFile, '# shop settings\nexport GREETING="hi there" # a comment\n');
  await platform.ok('config:set', '--file', envFile, '-a', 'shop');
  assert.equal(await body('/'), 'hi there from v2');
  assert.equal(await body('/db/read'), 'a', 'data survives a new release');
  assert.match((await platform.ok('config', '--shell', '-a', 'shop')).stdout, /^GREETING='hi there'$/m);

  await platform.stop();
  await platform.start();
  await waitFor('the app back after a restart', async () => (await platform.get('shop', '/')).status === 200);
  assert.equal(await body('/db/read'), 'a', 'PostgreSQL data survives a restart of twelve');
  assert.equal(await body('/redis/incr'), '2', 'Redis data survives a restart of twelve');

  const config = await platform.json<Record<string, string>>('config', '-a', 'shop');
  const password = new URL(config.DATABASE_URL!).password;
  for (const file of ['twelve.db', 'twelve.db-wal']) {
    let bytes: Buffer;
    try { bytes = readFileSync(join(platform.dataDir, file)); } catch { continue; }
    for (const secret of [password, config.SESSION_SECRET!, 'hi there', 'postgres://']) assert.equal(bytes.includes(secret), false, `${file} holds ${secret.slice(0, 12)}`);
  }
  assert.equal(platform.output.includes(password), false, 'the platform log never shows a config value');

  // One app with two databases; one addon shared by two apps.
  await platform.ok('addons:create', 'postgres', '--as', 'ANALYTICS', '-a', 'shop');
  const addons = await platform.json<AddonView[]>('addons', '-a', 'shop');
  const main = addons.find((a) => a.attachments.some((x) => x.app === 'shop' && x.as === 'DATABASE'))!;
  const analytics = addons.find((a) => a.attachments.some((x) => x.as === 'ANALYTICS'))!;
  assert.equal(main.kind, 'postgres');
  assert.match(main.version ?? '', /^\d+\.\d+/);
  await platform.ok('apps:create', 'shop-staging');
  await platform.ok('addons:attach', main.name, '-a', 'shop-staging');
  const staging = await platform.json<Record<string, string>>('config', '-a', 'shop-staging');
  assert.equal(staging.DATABASE_URL, config.DATABASE_URL);

  const parity = await platform.cli('parity', 'shop', 'shop-staging');
  assert.equal(parity.code, 1);
  assert.match(parity.stdout, /config keys only in shop: ANALYTICS_URL, GREETING, REDIS_TLS_URL, REDIS_URL, SESSION_SECRET/);
  assert.equal(parity.stdout.includes(password), false);

  // Swap the provisioned database for an "external" one by URL: a config change and a release, no code change.
  // Detaching a key app.json requires is refused; --replace swaps it in one release.
  assert.match((await platform.cli('addons:detach', 'DATABASE', '-a', 'shop')).stderr, /DATABASE_URL .*missing/);
  const analyticsUrl = (await platform.json<Record<string, string>>('config', '-a', 'shop')).ANALYTICS_URL!;
  assert.equal((await platform.cli('addons:attach', 'reporting-db', analyticsUrl, '--as', 'DATABASE', '-a', 'shop')).code, 1);
  await platform.ok('addons:attach', 'reporting-db', analyticsUrl, '--as', 'DATABASE', '--replace', '-a', 'shop');
  assert.equal(await body('/db/write?note=b'), 'ok');
  assert.equal(await body('/db/read'), 'b', 'the app now talks to the other database');
  const info = await platform.json<AddonView>('addons:info', 'reporting-db');
  assert.deepEqual([info.kind, info.provider, info.version], ['postgres', 'external', null]);

  const redis = addons.find((a) => a.kind === 'redis')!;
  assert.notEqual((await platform.cli('addons:destroy', redis.name)).code, 0, 'destroy needs --confirm');
  await platform.ok('addons:destroy', redis.name, '--confirm', redis.name);
  await platform.ok('addons:detach', 'DATABASE', '-a', 'shop-staging');
  assert.equal((await platform.json<AddonView>('addons:info', main.name)).attachments.length, 0);
  const afterDestroy = await platform.json<Record<string, string>>('config', '-a', 'shop');
  assert.deepEqual([afterDestroy.REDIS_URL, afterDestroy.REDIS_TLS_URL], [undefined, undefined]);
  assert.ok(analytics.name);

  // Destroying the app takes the addons it created and nobody else uses with it, as on Heroku.
  await platform.ok('apps:destroy', '-a', 'shop', '--confirm', 'shop');
  const left = (await platform.json<AddonView[]>('addons')).map((a) => a.name);
  assert.equal(left.includes(main.name), false, `${main.name} outlived its app`);
  assert.equal(left.includes(analytics.name), false, `${analytics.name} outlived its app`);
});
