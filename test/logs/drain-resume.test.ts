/** Drains across a restart of twelve: what a drain had not delivered is sent from the stored log. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { LogStore } from '../../src/logs/log-store.js';
import { insertApp } from '../../src/store/apps.js';
import { generateSecretKey, Keyring } from '../../src/store/secret-box.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { useKeyring } from '../../src/store/sealing.js';
import { HttpReceiver, waitUntil } from './receivers.js';

let dir: string;
let db: Db;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'twelve-drain-resume-'));
  db = openDatabase(join(dir, 'twelve.db'));
  useKeyring(db, new Keyring([generateSecretKey()]));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A platform's log side on the shared data dir, as `openLogs` makes it at boot. */
function boot(): { bus: LogBus; drains: DrainManager } {
  const store = new LogStore({ dirFor: (app) => join(dir, 'apps', app, 'logs') });
  const bus = new LogBus(store, undefined, store.lastId(['resumed']));
  const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 100, reportMs: 50 });
  drains.restore();
  return { bus, drains };
}

it('sends after a restart what a drain had not delivered, once and in order, and what came before only once', async () => {
  const app = insertApp(db, 'resumed');
  const receiver = new HttpReceiver();
  await receiver.start();
  const texts = () => receiver.messages.map((m) => m.split(' ').slice(7).join(' ')).filter((text) => /^(before|while-down|after) /.test(text));
  try {
    const first = boot();
    first.bus.publish('resumed', 'app', 'web.1', 'from before the drain existed');
    first.drains.add(app.id, `http://127.0.0.1:${receiver.port}/`);
    for (let i = 0; i < 100; i += 1) first.bus.publish('resumed', 'app', 'web.1', `before ${i}`);
    await waitUntil('the first 100 lines at the receiver', () => texts().length >= 100);

    receiver.failing = true;
    for (let i = 0; i < 200; i += 1) first.bus.publish('resumed', 'app', 'web.1', `while-down ${i}`);
    await waitUntil('the drain to retry', () => first.drains.list(app.id)[0]!.state === 'retrying');
    await first.drains.close(100); // twelve stops while the receiver is down
    first.bus.close();

    // A batch on its way when twelve stopped is refused too (the receiver and twelve share this process,
    // so the receiver may read it only after the next line), as it was while the receiver was down.
    await receiver.quiesce();
    receiver.failing = false;
    const second = boot();
    for (let i = 0; i < 50; i += 1) second.bus.publish('resumed', 'app', 'web.1', `after ${i}`);
    const expected = [
      ...Array.from({ length: 100 }, (_, i) => `before ${i}`),
      ...Array.from({ length: 200 }, (_, i) => `while-down ${i}`),
      ...Array.from({ length: 50 }, (_, i) => `after ${i}`),
    ];
    await waitUntil('every line at the receiver', () => texts().length >= expected.length);
    assert.deepEqual(texts(), expected);
    assert.ok(!receiver.messages.some((m) => m.includes('from before the drain existed')), 'a new drain starts with what comes next');
    await second.drains.close(500);
    second.bus.close();
  } finally {
    await receiver.stop();
  }
});
