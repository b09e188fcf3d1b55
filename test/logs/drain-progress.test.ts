/** How far each drain got is saved once a tick; a store that refuses the save is reported, not ignored. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { generateSecretKey, Keyring } from '../../src/store/secret-box.js';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/database.js';
import { useKeyring } from '../../src/store/sealing.js';
import { HttpReceiver, waitUntil } from './receivers.js';

it('reports a store that refuses to save how far a drain got, and keeps draining', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-drain-progress-'));
  const db = openDatabase(join(dir, 'twelve.db'));
  useKeyring(db, new Keyring([generateSecretKey()]));
  const receiver = new HttpReceiver();
  await receiver.start();
  const failures: string[] = [];
  const bus = new LogBus();
  const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 100, reportMs: 50, onSaveFailed: (error) => failures.push(error.message) });
  try {
    const app = insertApp(db, 'saved');
    drains.add(app.id, `http://127.0.0.1:${receiver.port}/`);
    db.exec("CREATE TRIGGER refuse_progress BEFORE UPDATE ON drains BEGIN SELECT RAISE(ABORT, 'the store refuses'); END");
    bus.publish('saved', 'app', 'web.1', 'first');
    await waitUntil('the save to be refused', () => failures.length > 0);
    assert.match(failures[0]!, /the store refuses/);
    bus.publish('saved', 'app', 'web.1', 'second');
    await waitUntil('both lines at the receiver', () => receiver.messages.filter((m) => / (first|second)$/.test(m)).length === 2);
  } finally {
    await drains.close(100);
    await receiver.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
