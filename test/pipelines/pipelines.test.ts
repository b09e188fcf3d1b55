/** Pipelines, shared builds and retention rules against a real store; the attach framing and one-off command lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildsToRemove } from '../../src/build/retention.js';
import { encodeFrame, FrameReader, MAX_FRAME_BYTES, type FrameType } from '../../src/run/frames.js';
import { quoteWord, shellCommand } from '../../src/run/shell-words.js';
import { getApp, insertApp, setCurrentRelease } from '../../src/store/apps.js';
import { buildsInUse, handOverSharedBuilds, promotedBuildIds } from '../../src/store/build-retention.js';
import { insertBuild, getBuild } from '../../src/store/builds.js';
import { openDatabase } from '../../src/store/database.js';
import { addPipelineApp, assertStage, insertPipeline, nextStage, pipelineMembers, pipelineOf } from '../../src/store/pipelines.js';
import { insertRelease } from '../../src/store/releases.js';

const built = (id: string) => ({ id, status: 'succeeded', removedAt: null });

test('keeps the newest N builds and never one in use; failed and removed builds count for nothing', () => {
  const builds = [built('e'), { id: 'd', status: 'failed', removedAt: null }, built('c'), built('b'), { ...built('x'), removedAt: 't' }, built('a')];
  assert.deepEqual(buildsToRemove(builds, 2, new Set()), ['b', 'a']);
  assert.deepEqual(buildsToRemove(builds, 2, new Set(['a'])), ['b']);
  assert.deepEqual(buildsToRemove(builds, 1, new Set(['e', 'b'])), ['c', 'a']);
  assert.deepEqual(buildsToRemove(builds, 10, new Set()), []);
});

test('stages go development, staging, production, and nothing comes after production', () => {
  assert.equal(nextStage('development'), 'staging');
  assert.equal(nextStage('staging'), 'production');
  assert.equal(nextStage('production'), null);
  assert.throws(() => assertStage('prod'), { code: 'INVALID_STAGE' });
});

test('an app belongs to one pipeline; members list in stage order', () => {
  const db = openDatabase(':memory:');
  const prod = insertApp(db, 'shop-prod');
  const staging = insertApp(db, 'shop-staging');
  const pipeline = insertPipeline(db, 'shop');
  assert.throws(() => insertPipeline(db, 'shop'), { code: 'PIPELINE_EXISTS' });
  addPipelineApp(db, pipeline.id, prod.id, 'production');
  addPipelineApp(db, pipeline.id, staging.id, 'staging');
  const other = insertPipeline(db, 'other');
  assert.throws(() => addPipelineApp(db, other.id, prod.id, 'staging'), { code: 'APP_IN_PIPELINE' });
  assert.deepEqual(pipelineMembers(db, pipeline.id).map((m) => `${m.app}:${m.stage}`), ['shop-staging:staging', 'shop-prod:production']);
  assert.equal(pipelineOf(db, prod.id)?.pipeline, 'shop');
  db.prepare('DELETE FROM apps WHERE id = ?').run(prod.id);
  assert.deepEqual(pipelineMembers(db, pipeline.id).map((m) => m.app), ['shop-staging']);
});

test('a promoted build is in use while any app runs it, and is handed over when the app that built it goes', () => {
  const db = openDatabase(':memory:');
  const staging = insertApp(db, 'staging');
  const prod = insertApp(db, 'prod');
  insertBuild(db, { id: 'b1', appId: staging.id, sourceSha: null });
  insertBuild(db, { id: 'b2', appId: staging.id, sourceSha: null });
  const release = { config: {}, processTypes: { web: 'x' }, description: 'd' };
  const s1 = insertRelease(db, { ...release, appId: staging.id, buildId: 'b1' });
  const s2 = insertRelease(db, { ...release, appId: staging.id, buildId: 'b2' });
  const p1 = insertRelease(db, { ...release, appId: prod.id, buildId: 'b1' });
  setCurrentRelease(db, staging.id, s2.id);
  setCurrentRelease(db, prod.id, p1.id);
  db.prepare("UPDATE releases SET status = 'succeeded'").run();
  assert.deepEqual([...buildsInUse(db)].sort(), ['b1', 'b2']);
  assert.deepEqual(promotedBuildIds(db, prod.id), ['b1']);
  assert.ok(s1);

  assert.deepEqual(handOverSharedBuilds(db, staging.id), ['b1']);
  assert.equal(getBuild(db, 'b1')?.appId, prod.id);
  db.prepare('DELETE FROM releases WHERE app_id = ?').run(staging.id);
  db.prepare('UPDATE apps SET current_release_id = NULL WHERE id = ?').run(staging.id);
  db.prepare('DELETE FROM apps WHERE id = ?').run(staging.id);
  assert.equal(getBuild(db, 'b2'), undefined);
  assert.equal(getApp(db, 'prod').currentReleaseId, p1.id);
});

test('frames survive being cut anywhere and a frame too large is refused', () => {
  const frames: Array<[FrameType, string]> = [['o', 'hello\n'], ['e', ''], ['x', '{"status":3}'], ['i', 'é'.repeat(1000)]];
  const bytes = Buffer.concat(frames.map(([type, payload]) => encodeFrame(type, payload)));
  for (const cut of [1, 3, 5, 7, 64]) {
    const seen: Array<[FrameType, string]> = [];
    const reader = new FrameReader((type, payload) => seen.push([type, payload.toString()]));
    for (let at = 0; at < bytes.length; at += cut) reader.push(bytes.subarray(at, at + cut));
    assert.deepEqual(seen, frames);
  }
  const huge = Buffer.alloc(5);
  huge.write('o', 0, 'latin1');
  huge.writeUInt32BE(MAX_FRAME_BYTES + 1, 1);
  assert.throws(() => new FrameReader(() => {}).push(huge), /larger than/);
});

test('a one-off shell line runs as written; words run exactly as typed, exec\'d so signals reach the program', () => {
  assert.deepEqual(shellCommand('echo $HOME | wc -c'), { display: 'echo $HOME | wc -c', script: 'echo $HOME | wc -c' });
  assert.deepEqual(shellCommand('python manage.py migrate'), { display: 'python manage.py migrate', script: 'exec python manage.py migrate' });
  assert.deepEqual(shellCommand(['sh', '-c', 'echo "$1"; exit 3', 'it\'s']), {
    display: `sh -c 'echo "$1"; exit 3' 'it'\\''s'`, script: `exec sh -c 'echo "$1"; exit 3' 'it'\\''s'`,
  });
  assert.equal(quoteWord(''), "''");
  assert.equal(quoteWord('a/b-c.d=e'), 'a/b-c.d=e');
});
