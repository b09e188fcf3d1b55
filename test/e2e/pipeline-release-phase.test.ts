/** The release phase end to end: a migration of a real database (a backing service by URL) before the release starts; a failing or slow one is refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { copyFixture, TestPlatform } from './harness.js';
import { type SqlService, startSqlService } from './sql-service.js';

interface ReleaseRow { version: number; status: string; current: boolean }
interface Proc { name: string; release: number }

const platform = new TestPlatform({ TWELVE_RELEASE_TIMEOUT: '4' });
const dbDir = mkdtempSync(join(tmpdir(), 'twelve-release-db-'));
let appDir: string;
let service: SqlService;

before(async () => {
  await platform.start();
  service = await startSqlService(dbDir);
  appDir = copyFixture('release-phase');
  await platform.ok('apps:create', 'migrating');
  await platform.ok('config:set', `DATABASE_URL=${service.url('app')}`, 'GREETING=hi', '-a', 'migrating');
});
after(async () => {
  await platform.dispose();
  await service.close();
  rmSync(dbDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
});

function tables(): string[] {
  const db = new Database(service.path('app'), { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);
  } finally {
    db.close();
  }
}

test('the release command migrates the database before the release serves, and shows in the deploy and the logs', async () => {
  const deployed = await platform.ok('deploy', appDir, '-a', 'migrating');
  assert.match(deployed.stdout, /Running release command for v1: python3 migrate\.py[\s\S]*applied 001_notes\.sql[\s\S]*released v1/);
  assert.deepEqual(tables(), ['notes', 'schema_migrations']);
  assert.equal((await platform.get('migrating')).body, 'v1 hi 001_notes.sql');
  const logs = (await platform.ok('logs', '-a', 'migrating', '--ps', 'release', '-n', '50')).stdout;
  assert.match(logs, /app\[release\.1\]: applied 001_notes\.sql/);
  const processes = await platform.json<Proc[]>('ps', '-a', 'migrating');
  assert.deepEqual(processes.map((p) => p.name), ['web.1'], 'release is never run as a process');
});

test('a failing release command refuses the release: the CLI fails with its output and the old release keeps serving', async () => {
  writeFileSync(join(appDir, 'VERSION'), 'v2\n');
  writeFileSync(join(appDir, 'migrations', '002_bad.sql'), 'CREATE TABLE broken (;\n');
  const result = await platform.cli('deploy', appDir, '-a', 'migrating');
  assert.notEqual(result.code, 0);
  assert.match(result.stdout, /migration 002_bad\.sql failed/);
  assert.match(result.stderr, /release command `python3 migrate\.py` exited with status 1; v2 is refused/);
  assert.equal((await platform.get('migrating')).body, 'v1 hi 001_notes.sql');
  const releases = await platform.json<ReleaseRow[]>('releases', '-a', 'migrating');
  assert.deepEqual(releases.map((r) => `v${r.version}:${r.status}${r.current ? ':current' : ''}`), ['v2:failed', 'v1:succeeded:current']);
  assert.deepEqual((await platform.json<Proc[]>('ps', '-a', 'migrating')).map((p) => `${p.name}:v${p.release}`), ['web.1:v1']);
});

test('a config change runs the release command with the new config; one past TWELVE_RELEASE_TIMEOUT is stopped and refused', async () => {
  rmSync(join(appDir, 'migrations', '002_bad.sql'));
  await platform.ok('deploy', appDir, '-a', 'migrating');
  assert.equal((await platform.get('migrating')).body, 'v2 hi 001_notes.sql');
  const slow = await platform.cli('config:set', 'RELEASE_SLEEP=60', '-a', 'migrating');
  assert.notEqual(slow.code, 0);
  assert.match(slow.stderr, /ran longer than 4 s and was stopped/);
  const config = await platform.json<Record<string, string>>('config', '-a', 'migrating');
  assert.equal(config.RELEASE_SLEEP, undefined, 'the config change is undone');
  assert.equal((await platform.get('migrating')).body, 'v2 hi 001_notes.sql');
});
