/** The data dir of a real `twelve serve`: private, held by one twelve at a time, and not mistaken for a fresh install. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { copyFixture, TestPlatform } from './harness.js';

const first = new TestPlatform();
const second = new TestPlatform({ TWELVE_DATA_DIR: first.dataDir });
after(async () => {
  await second.dispose();
  await first.dispose();
});

function mode(path: string): number {
  return statSync(path).mode & 0o7777;
}

test('a second twelve serve on the same data dir refuses to start, and starts once the first was killed with -9', async () => {
  await first.start();
  await first.ok('apps:create', 'site');
  await first.ok('deploy', copyFixture('procfile-only'), '-a', 'site');
  assert.equal((await first.get('site')).status, 200);
  const dataDir = first.dataDir;
  assert.equal(mode(dataDir), 0o700);
  for (const file of ['twelve.db', 'twelve.db-wal', 'twelve.db-shm', 'api-token', 'secret-key', 'twelve.lock']) {
    assert.equal(mode(join(dataDir, file)), 0o600, file);
  }

  // A drain's URL, password and all, is sealed like config: neither the store nor its WAL holds it.
  await first.ok('drains:add', 'https://drain-user:hunter2-drain-secret@127.0.0.1:9/ingest', '-a', 'site');
  for (const file of ['twelve.db', 'twelve.db-wal']) {
    const bytes = readFileSync(join(dataDir, file));
    for (const secret of ['hunter2-drain-secret', 'drain-user']) assert.equal(bytes.includes(secret), false, `${file} holds ${secret}`);
  }

  await assert.rejects(second.start(), /another twelve serve \(pid \d+\) runs on .*: a second one would take over[\s\S]*stop it first/);
  assert.equal((await first.get('site')).status, 200, 'the first one keeps serving its app');

  await first.kill9();
  await second.start();
  assert.equal((await second.get('site')).status, 200, 'the app is restored by the new twelve');
});

test('an emptied store beside the apps\' directories is refused at start, not read as a fresh install', async () => {
  await second.stop();
  const store = join(first.dataDir, 'twelve.db');
  truncateSync(store, 0);
  rmSync(`${store}-wal`, { force: true });
  rmSync(`${store}-shm`, { force: true });
  await assert.rejects(second.start(), /twelve\.db is empty, but .*apps holds 1 app directory \(site\)[\s\S]*Restore twelve\.db/);
});

test('an API bound beyond loopback in plain HTTP is refused at start unless TWELVE_API_ALLOW_INSECURE=1', async () => {
  const exposed = new TestPlatform({ TWELVE_BIND: '0.0.0.0' });
  try {
    await assert.rejects(exposed.start(), /TWELVE_BIND=0\.0\.0\.0 would serve the API beyond this machine in plain HTTP[\s\S]*TWELVE_API_ALLOW_INSECURE=1/);
  } finally {
    await exposed.dispose();
  }
  // Apart from the API's address; loopback still, so that nothing of the test is reachable from elsewhere.
  const routerOnly = new TestPlatform({ TWELVE_ROUTER_BIND: '127.0.0.2' });
  try {
    await routerOnly.start();
    assert.match(routerOnly.output, /"router":"http:\/\/127\.0\.0\.2:\d+"/);
    assert.match(routerOnly.output, /"api":"http:\/\/127\.0\.0\.1:\d+"/);
  } finally {
    await routerOnly.dispose();
  }
});
