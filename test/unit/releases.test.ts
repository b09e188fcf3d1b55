import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rollbackTarget } from '../../src/flows/rollback.js';
import { formationForRelease } from '../../src/store/formation.js';
import { insertApp } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/database.js';
import { insertBuild } from '../../src/store/builds.js';
import { failPendingReleases, insertRelease, listReleases, nextReleaseVersion, setReleaseStatus, type Release } from '../../src/store/releases.js';

test('numbers the first release v1 and each next one after the highest, failed ones included', () => {
  assert.equal(nextReleaseVersion([]), 1);
  assert.equal(nextReleaseVersion([1, 2, 3]), 4);
  assert.equal(nextReleaseVersion([3, 1]), 4);
});

test('numbers releases per app in the store, and a release never changes status twice', () => {
  const db = openDatabase(':memory:');
  const a = insertApp(db, 'a');
  const b = insertApp(db, 'b');
  insertBuild(db, { id: 'b1', appId: a.id, sourceSha: null });
  const r1 = insertRelease(db, { appId: a.id, buildId: 'b1', config: { X: '1' }, processTypes: { web: 'x' }, description: 'one' });
  const r2 = insertRelease(db, { appId: a.id, buildId: 'b1', config: {}, processTypes: { web: 'x' }, description: 'two' });
  const other = insertRelease(db, { appId: b.id, buildId: null, config: {}, processTypes: {}, description: 'other' });
  assert.deepEqual([r1.version, r2.version, other.version], [1, 2, 1]);
  setReleaseStatus(db, r1.id, 'succeeded');
  setReleaseStatus(db, r1.id, 'failed');
  assert.equal(listReleases(db, a.id).find((r) => r.version === 1)?.status, 'succeeded');
  assert.deepEqual(listReleases(db, a.id)[1]?.config, { X: '1' });
});

test('marks releases a crash left pending as failed at start', () => {
  const db = openDatabase(':memory:');
  const app = insertApp(db, 'a');
  insertRelease(db, { appId: app.id, buildId: null, config: {}, processTypes: {}, description: 'half made' });
  assert.equal(failPendingReleases(db), 1);
  assert.equal(listReleases(db, app.id)[0]?.status, 'failed');
});

function release(version: number, status: Release['status'], buildId: string | null = 'b'): Release {
  return { id: version, appId: 1, version, buildId, config: {}, processTypes: {}, description: '', status, createdAt: '' };
}

test('rolls back to the newest succeeded release before the current one', () => {
  const releases = [release(1, 'succeeded'), release(2, 'succeeded'), release(3, 'failed'), release(4, 'succeeded')];
  assert.equal(rollbackTarget(releases, 4)?.version, 2);
  assert.equal(rollbackTarget(releases, 2)?.version, 1);
  assert.equal(rollbackTarget(releases, 1), undefined);
  assert.equal(rollbackTarget([release(1, 'succeeded', null), release(2, 'succeeded')], 2), undefined);
});

test('runs web=1 and every other type at 0 until the app scales them, as Heroku does', () => {
  assert.deepEqual(formationForRelease({}, { web: 'a', worker: 'b' }), { web: 1, worker: 0 });
  assert.deepEqual(formationForRelease({ web: 3, worker: 1, gone: 2 }, { web: 'a', worker: 'b' }), { web: 3, worker: 1 });
  assert.deepEqual(formationForRelease({ web: 0 }, { web: 'a' }), { web: 0 });
});
