/** Pipelines and build retention end to end: staging -> production runs the very same build with production's config. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform } from './harness.js';
import { type SqlService, startSqlService } from './sql-service.js';

interface AppInfo { release: { version: number; buildId: string } | null; build: { id: string; checksum: string } | null }
interface BuildRow { id: string; size: number | null; removedAt: string | null; inUse: boolean; promotedFrom: string | null }

const platform = new TestPlatform();
const dbDir = mkdtempSync(join(tmpdir(), 'twelve-pipeline-db-'));
let appDir: string;
let service: SqlService;

before(async () => {
  await platform.start();
  service = await startSqlService(dbDir);
  appDir = copyFixture('release-phase');
  writeFileSync(join(appDir, 'app.json'), JSON.stringify({ env: { SECRET: { description: 'signs sessions', required: true } } }));
  for (const [app, greeting] of [['shop-staging', 'staging'], ['shop-prod', 'production'], ['shop-eu', 'eu']] as const) {
    await platform.ok('apps:create', app);
    const config = [`DATABASE_URL=${service.url(app)}`, `GREETING=${greeting}`];
    if (app !== 'shop-eu') config.push('SECRET=s3');
    await platform.ok('config:set', ...config, '-a', app);
  }
  await platform.ok('pipelines:create', 'shop');
  await platform.ok('pipelines:add', 'shop-staging', '--stage', 'staging', '-p', 'shop');
  await platform.ok('pipelines:add', 'shop-prod', '--stage', 'production', '-p', 'shop');
  await platform.ok('pipelines:add', 'shop-eu', '--stage', 'production', '-p', 'shop');
  await platform.ok('deploy', appDir, '-a', 'shop-staging');
});
after(async () => {
  await platform.dispose();
  await service.close();
  rmSync(dbDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
});

test('promotion releases the very build staging runs in production, with production\'s own config and release phase', async () => {
  const staging = await platform.json<AppInfo>('apps:info', '-a', 'shop-staging');
  const result = await platform.cli('pipelines:promote', '-a', 'shop-staging');
  assert.equal(result.code, 1, 'shop-eu refuses, so the promotion fails overall');
  assert.match(result.stdout, /shop-prod: released v1/);
  assert.match(result.stdout, /shop-eu: refused: .*SECRET/);
  const prod = await platform.json<AppInfo>('apps:info', '-a', 'shop-prod');
  assert.equal(prod.build!.id, staging.build!.id);
  assert.equal(prod.build!.checksum, staging.build!.checksum);
  assert.equal((await platform.get('shop-prod')).body, 'v1 production 001_notes.sql', 'its own config and its own migrated database');
  assert.equal((await platform.json<AppInfo>('apps:info', '-a', 'shop-eu')).release, null);

  const diff = (await platform.ok('pipelines:diff', '-a', 'shop-staging')).stdout;
  assert.match(diff, /shop-prod runs the same build/);
  const shown = (await platform.ok('pipelines', '-p', 'shop')).stdout;
  assert.match(shown, new RegExp(`production\\s+shop-eu\\s+\\(not deployed\\)[\\s\\S]*shop-prod\\s+v1\\s+build ${staging.build!.id}`));
  const prodBuilds = await platform.json<BuildRow[]>('builds', '-a', 'shop-prod');
  assert.deepEqual(prodBuilds.map((b) => [b.id, b.promotedFrom, b.inUse]), [[staging.build!.id, 'shop-staging', true]]);
  assert.ok(prodBuilds[0]!.size! > 0);
});

test('retention keeps exactly N builds and never the one a release runs, in this app or one it was promoted to', async () => {
  writeFileSync(join(appDir, 'VERSION'), 'v2\n');
  await platform.ok('deploy', appDir, '-a', 'shop-staging');
  writeFileSync(join(appDir, 'VERSION'), 'v3\n');
  await platform.ok('deploy', appDir, '-a', 'shop-staging');
  await platform.ok('rollback', 'v2', '-a', 'shop-staging');
  const all = (await platform.json<BuildRow[]>('builds', '-a', 'shop-staging')).map((b) => b.id);
  assert.equal(all.length, 3);
  const [third, second, first] = all as [string, string, string];

  await platform.ok('builds:retention', '1', '-a', 'shop-staging');
  let builds = await platform.json<BuildRow[]>('builds', '-a', 'shop-staging');
  // Keeps the newest (third); the second runs in staging, the first in production: both stay.
  assert.deepEqual(builds.map((b) => [b.id, b.removedAt === null]), [[third, true], [second, true], [first, true]]);

  await platform.cli('pipelines:promote', '-a', 'shop-staging');
  assert.equal((await platform.json<AppInfo>('apps:info', '-a', 'shop-prod')).build!.id, second);
  writeFileSync(join(appDir, 'VERSION'), 'v4\n');
  await platform.ok('deploy', appDir, '-a', 'shop-staging');
  builds = await platform.json<BuildRow[]>('builds', '-a', 'shop-staging');
  const fourth = builds[0]!.id;
  const kept = builds.filter((b) => b.removedAt === null).map((b) => b.id);
  assert.deepEqual(kept, [fourth, second], 'the newest one, and the one production runs');
  const onDisk = readdirSync(join(platform.dataDir, 'apps', 'shop-staging', 'builds')).sort();
  assert.deepEqual(onDisk, [fourth, second].sort());
  assert.match((await platform.get('shop-prod')).body, /^v2 production/);
});

test('destroying the app that built a promoted build leaves it running in production', async () => {
  const running = (await platform.json<AppInfo>('apps:info', '-a', 'shop-prod')).build!.id;
  await platform.ok('apps:destroy', '-a', 'shop-staging', '--confirm', 'shop-staging');
  assert.ok(existsSync(join(platform.dataDir, 'apps', 'shop-staging', 'builds', running)));
  await platform.ok('ps:restart', '-a', 'shop-prod');
  assert.match((await platform.get('shop-prod')).body, /^v2 production/);
  const builds = await platform.json<BuildRow[]>('builds', '-a', 'shop-prod');
  // Every build production's releases used is now production's own; only the running one is still on disk.
  assert.ok(builds.every((b) => b.promotedFrom === null));
  assert.deepEqual(builds.filter((b) => b.removedAt === null).map((b) => b.id), [running]);
});
