import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecretKey, Keyring } from '../../src/store/secret-box.js';
import { TwelveError } from '../../src/errors.js';
import { deleteDrain, insertDrain, listDrains } from '../../src/logs/drains/drain-rows.js';
import { insertApp } from '../../src/store/apps.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { resealAll, useKeyring } from '../../src/store/sealing.js';

const URL_WITH_PASSWORD = 'https://user:hunter2-secret@logs.example.com/ingest';

function storedUrls(db: Db): string[] {
  return db.prepare('SELECT url FROM drains').pluck().all() as string[];
}

test('keeps drain URLs sealed at rest and gives them back normalized', () => {
  const db = openDatabase(':memory:');
  const app = insertApp(db, 'a');
  const drain = insertDrain(db, app.id, URL_WITH_PASSWORD, 0);
  assert.equal(drain.url, URL_WITH_PASSWORD);
  const [stored] = storedUrls(db);
  assert.match(stored!, /^tw1:/);
  assert.doesNotMatch(stored!, /hunter2|example/);
  assert.deepEqual(listDrains(db, app.id).map((row) => row.url), [URL_WITH_PASSWORD]);
});

test('still refuses the same drain in another spelling, and removes one by id', () => {
  const db = openDatabase(':memory:');
  const app = insertApp(db, 'a');
  const drain = insertDrain(db, app.id, 'syslog+tcp://Logs.Example.com:514', 0);
  assert.throws(() => insertDrain(db, app.id, 'SYSLOG+TCP://logs.example.com:514/', 0), (error: unknown) => error instanceof TwelveError && error.code === 'DRAIN_EXISTS');
  deleteDrain(db, drain.id);
  assert.deepEqual(listDrains(db, app.id), []);
});

test('seals drains stored in plain text before, and reseals them with a new key', () => {
  const db = openDatabase(':memory:');
  const old = generateSecretKey();
  useKeyring(db, new Keyring([old]));
  const app = insertApp(db, 'a');
  db.prepare("INSERT INTO drains (id, app_id, url, token, created_at) VALUES ('d1', ?, ?, 't', '2026-01-01')").run(app.id, URL_WITH_PASSWORD);
  assert.equal(resealAll(db, { onlyPlain: true }), 1);
  assert.match(storedUrls(db)[0]!, new RegExp(`^tw1:${old.id}:`));
  const fresh = generateSecretKey();
  useKeyring(db, new Keyring([fresh, old]));
  assert.equal(resealAll(db), 1);
  useKeyring(db, new Keyring([fresh]));
  assert.match(storedUrls(db)[0]!, new RegExp(`^tw1:${fresh.id}:`));
  assert.equal(listDrains(db, app.id)[0]?.url, URL_WITH_PASSWORD);
});
