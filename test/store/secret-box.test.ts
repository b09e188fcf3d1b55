import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateSecretKey, Keyring, secretKeyFromText } from '../../src/store/secret-box.js';
import { loadKeyring } from '../../src/config/secret-key-file.js';
import { TwelveError } from '../../src/errors.js';
import { insertApp } from '../../src/store/apps.js';
import { applyConfigChanges, getConfig } from '../../src/store/config-vars.js';
import { openDatabase } from '../../src/store/database.js';
import { insertRelease, listReleases } from '../../src/store/releases.js';
import { resealAll, useKeyring } from '../../src/store/sealing.js';

test('seals with a fresh IV each time and opens only with the right, unaltered key', () => {
  const ring = new Keyring([generateSecretKey()]);
  const a = ring.seal('s3cret');
  assert.notEqual(a, ring.seal('s3cret'));
  assert.equal(ring.open(a), 's3cret');
  assert.equal(ring.open('legacy plain'), 'legacy plain');
  const other = new Keyring([generateSecretKey()]);
  assert.throws(() => other.open(a), (e: unknown) => e instanceof TwelveError && e.code === 'SECRET_KEY_MISMATCH');
  const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => ring.open(tampered), (e: unknown) => e instanceof TwelveError && e.code === 'SECRET_KEY_MISMATCH');
});

test('TWELVE_SECRET_KEY takes hex, base64 or a long passphrase', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(secretKeyFromText(hex).key.toString('hex'), hex);
  assert.equal(secretKeyFromText(Buffer.alloc(32, 7).toString('base64')).key.length, 32);
  assert.equal(secretKeyFromText('correct horse battery').id, secretKeyFromText('correct horse battery').id);
  assert.throws(() => secretKeyFromText('short'), /at least 12/);
});

test('the store file and its WAL hold no config value in plain text, before and after a key rotation', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-seal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'secret-key');
  const db = openDatabase(join(dir, 'twelve.db'));
  const ring = loadKeyring(keyFile, undefined);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  useKeyring(db, ring);
  const app = insertApp(db, 'shop');
  const marker = 'MARKER-value-9f8e7d';
  applyConfigChanges(db, app.id, { API_TOKEN: marker });
  insertRelease(db, { appId: app.id, buildId: null, config: getConfig(db, app.id), processTypes: {}, description: 'x' });
  const holds = () => ['twelve.db', 'twelve.db-wal'].some((file) => {
    try { return readFileSync(join(dir, file)).includes(marker); } catch { return false; }
  });
  assert.equal(holds(), false);
  assert.equal(getConfig(db, app.id).API_TOKEN, marker);

  const fresh = generateSecretKey();
  useKeyring(db, new Keyring([fresh, ...ring.keys]));
  assert.equal(resealAll(db), 2);
  useKeyring(db, new Keyring([fresh]));
  assert.equal(getConfig(db, app.id).API_TOKEN, marker);
  assert.equal(listReleases(db, app.id)[0]!.config.API_TOKEN, marker);
  db.close();
  assert.equal(holds(), false);
  assert.equal(loadKeyring(keyFile, undefined).current.id, ring.current.id, 'the key file is read back, not replaced');
});

test('values stored before encryption are sealed at the next start', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-seal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'twelve.db'));
  const app = insertApp(db, 'shop');
  db.prepare('INSERT INTO config_vars (app_id, key, value) VALUES (?, ?, ?)').run(app.id, 'OLD', 'plain-old');
  useKeyring(db, loadKeyring(join(dir, 'secret-key'), undefined));
  assert.equal(resealAll(db, { onlyPlain: true }), 1);
  assert.match(db.prepare('SELECT value FROM config_vars').pluck().get() as string, /^tw1:/);
  assert.equal(getConfig(db, app.id).OLD, 'plain-old');
  db.close();
});
