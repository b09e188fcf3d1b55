import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LogBus } from '../../src/logs/log-bus.js';
import { LogStore } from '../../src/logs/log-store.js';
import { openLogs } from '../../src/logs/open-logs.js';
import { setRetention } from '../../src/logs/retention.js';
import { segmentName } from '../../src/logs/segment-files.js';
import { pathsFor } from '../../src/paths.js';
import { insertApp } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/database.js';
import { silent } from '../run/helpers.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function storeIn(dir: string, options: Partial<ConstructorParameters<typeof LogStore>[0]> = {}): LogStore {
  return new LogStore({ dirFor: (app) => join(dir, app, 'logs'), ...options });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-logs-'));
  dirs.push(dir);
  return dir;
}

describe('LogStore and LogBus on disk', () => {
  it('keeps events across a restart, with ids that go on increasing', () => {
    const dir = tempDir();
    const first = new LogBus(storeIn(dir));
    for (let i = 0; i < 5; i += 1) first.publish('shop', 'app', 'web.1', `line ${i}`);
    const lastBefore = first.publish('shop', 'twelve', 'api', 'Release v1 is live').id;
    first.close();

    const store = storeIn(dir);
    const second = new LogBus(store, undefined, store.lastId(['shop']));
    const kept = second.history('shop', { count: 100 });
    assert.deepEqual(kept.map((e) => e.text), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'Release v1 is live']);
    assert.equal(kept.at(-1)!.id, lastBefore);
    assert.ok(second.publish('shop', 'app', 'web.1', 'after restart').id > lastBefore);
    assert.deepEqual(second.history('shop', { afterId: lastBefore }).map((e) => e.text), ['after restart']);
    second.close();
  });

  it('answers -n, --ps, --source, --grep and --since from disk and from the batch not yet written', () => {
    const bus = new LogBus(storeIn(tempDir(), { flushMs: 60_000 }));
    bus.publish('shop', 'app', 'web.1', 'GET / one');
    bus.publish('shop', 'app', 'web.2', 'GET / two');
    bus.publish('shop', 'router', 'router', 'at=info path="/"');
    bus.publish('shop', 'app', 'worker.1', 'job done');
    bus.publish('other', 'app', 'web.1', 'not shop');
    const texts = (query: Parameters<LogBus['history']>[1]) => bus.history('shop', query).map((e) => e.text);
    assert.deepEqual(texts({ count: 2 }), ['at=info path="/"', 'job done']);
    assert.deepEqual(texts({ ps: 'web' }), ['GET / one', 'GET / two']);
    assert.deepEqual(texts({ ps: 'web.2' }), ['GET / two']);
    assert.deepEqual(texts({ source: 'router' }), ['at=info path="/"']);
    assert.deepEqual(texts({ grep: 'GET' }), ['GET / one', 'GET / two']);
    assert.deepEqual(texts({ sinceMs: Date.now() + 60_000 }), []);
    assert.equal(texts({ sinceMs: Date.now() - 60_000 }).length, 4);
    bus.close();
  });

  it('reads batches of lines back one event each: the last N, after an id inside a batch, and the last id after a restart', () => {
    const dir = tempDir();
    const bus = new LogBus(storeIn(dir));
    const first = bus.publishBlock('shop', 'app', 'web.1', Buffer.from('a0\na1\na2\n'), 3);
    bus.publishBlock('shop', 'app', 'worker.1', Buffer.from('b0\nb1\n'), 2);
    bus.publishBlock('shop', 'app', 'web.1', Buffer.from('c0\n'), 1);
    const texts = (query: Parameters<LogBus['history']>[1]) => bus.history('shop', query).map((e) => `${e.id - first.firstId}:${e.process}:${e.text}`);
    assert.deepEqual(texts({ count: 4 }), ['2:web.1:a2', '3:worker.1:b0', '4:worker.1:b1', '5:web.1:c0']);
    assert.deepEqual(texts({ afterId: first.firstId + 1 }), ['2:web.1:a2', '3:worker.1:b0', '4:worker.1:b1', '5:web.1:c0']);
    assert.deepEqual(texts({ ps: 'worker' }), ['3:worker.1:b0', '4:worker.1:b1']);
    assert.deepEqual(texts({ grep: '1' }), ['1:web.1:a1', '4:worker.1:b1']);
    bus.close();
    const store = storeIn(dir);
    assert.equal(store.lastId(['shop']), first.firstId + 5);
    const reopened = new LogBus(store, undefined, store.lastId(['shop']));
    const later = reopened.publishBlock('shop', 'app', 'web.1', Buffer.from('e0\ne1\n'), 2);
    reopened.close();
    assert.ok(later.firstId > first.firstId + 5);
    assert.equal(storeIn(dir).lastId(['shop']), later.firstId + 1);
  });

  it('reads stored batches page by page from a cursor, and copies what a filter keeps out of a big read', () => {
    const dir = tempDir();
    const store = storeIn(dir);
    const bus = new LogBus(store);
    const line = 'x'.repeat(99);
    for (let i = 0; i < 200; i += 1) {
      bus.publishBlock('shop', 'router', 'router', Buffer.from(`${line}\n`.repeat(100)), 100); // 10 kB each
      bus.publishBlock('shop', 'app', 'web.1', Buffer.from(`web ${i}\n`), 1);
    }
    const pages: number[][] = [];
    let afterId = 0;
    let cursor: ReturnType<LogStore['readBatches']>['cursor'];
    do {
      const page = store.readBatches('shop', afterId, { ps: 'web' }, 300 * 1024, cursor);
      pages.push(page.batches.map((batch) => Number(batch.bytes.toString().slice(4))));
      for (const batch of page.batches) {
        assert.ok(batch.bytes.buffer.byteLength <= 8192, 'a kept line does not hold the read (256 kB or more) it came from');
        afterId = batch.firstId + batch.count - 1;
      }
      cursor = page.cursor;
    } while (cursor);
    assert.ok(pages.length >= 4, `about 2 MB read at least 300 kB a page: ${pages.length} pages`);
    assert.deepEqual(pages.flat(), Array.from({ length: 200 }, (_, i) => i));
    bus.close();
  });

  it('keeps nothing of a block it is handed in the store: a reused read buffer can be overwritten at once', () => {
    const dir = tempDir();
    const bus = new LogBus(storeIn(dir));
    const seen: string[] = [];
    bus.subscribeBatches('shop', (batch) => seen.push(batch.bytes.toString())); // a listener reads (or copies) during its call
    const readBuffer = Buffer.alloc(64 * 1024);
    // A small block waits in the store for more; a big one is written at once. Both from the same buffer.
    readBuffer.write('small one\nsmall two\n');
    bus.publishBlock('shop', 'app', 'web.1', readBuffer.subarray(0, 20), 2);
    readBuffer.fill('x');
    const big = `${'b'.repeat(20_000)}\n`;
    readBuffer.write(big);
    bus.publishBlock('shop', 'app', 'web.1', readBuffer.subarray(0, big.length), 1);
    readBuffer.fill('y');
    bus.close();
    assert.deepEqual(storeIn(dir).read('shop', { count: 10 }).map((e) => e.text), ['small one', 'small two', 'b'.repeat(20_000)]);
    assert.deepEqual(seen, ['small one\nsmall two\n', big]);
  });

  it('splits a text with newlines into one event per line', () => {
    const bus = new LogBus(storeIn(tempDir()));
    bus.publish('shop', 'twelve', 'api', 'Build failed:\nnpm ERR! one\r\nnpm ERR! two');
    assert.deepEqual(bus.history('shop').map((e) => e.text), ['Build failed:', 'npm ERR! one', 'npm ERR! two']);
    bus.close();
  });

  it('reads a resumed tail across segments, in pages, without skipping or repeating', () => {
    const bus = new LogBus(storeIn(tempDir(), { flushBytes: 4096, retention: () => ({ maxBytes: 1 << 30, maxAgeMs: 86_400_000 }) }));
    const ids: number[] = [];
    for (let i = 0; i < 30_000; i += 1) ids.push(bus.publish('shop', 'app', 'web.1', `line ${i} ${'x'.repeat(40)}`).id);
    const seen: number[] = [];
    let after = ids[99]!;
    for (;;) {
      const page = bus.history('shop', { afterId: after, limit: 7000 });
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.id));
      after = page.at(-1)!.id;
    }
    assert.deepEqual(seen, ids.slice(100));
    bus.close();
  });

  it('drops the oldest segments beyond the app\'s size, keeping the newest lines', () => {
    const dir = tempDir();
    const store = storeIn(dir, { flushBytes: 16 * 1024, retention: () => ({ maxBytes: 512 * 1024, maxAgeMs: 86_400_000 }) });
    const bus = new LogBus(store);
    for (let i = 0; i < 20_000; i += 1) bus.publish('shop', 'app', 'web.1', `line ${i} ${'y'.repeat(60)}`);
    bus.close();
    const bytes = storeIn(dir).size('shop');
    assert.ok(bytes >= 512 * 1024 && bytes <= 512 * 1024 + 80 * 1024, `kept ${bytes} bytes`);
    assert.ok(readdirSync(join(dir, 'shop', 'logs')).length > 1);
    const last = storeIn(dir).read('shop', { count: 1 });
    assert.match(last[0]!.text, /^line 19999 /);
  });

  it('keeps the newest lines when the size is lowered below what one old segment holds', () => {
    const dir = tempDir();
    let retention = { maxBytes: 8 * 1024 * 1024, maxAgeMs: 86_400_000 }; // segments of 1 MiB
    const store = storeIn(dir, { flushBytes: 16 * 1024, retention: () => retention });
    const bus = new LogBus(store);
    const line = (i: number) => `line ${String(i).padStart(6, '0')} ${'z'.repeat(80)}`;
    for (let i = 0; i < 32_000; i += 1) bus.publish('shop', 'app', 'web.1', line(i)); // about 3 MiB
    store.flush();
    assert.ok(readdirSync(join(dir, 'shop', 'logs')).length >= 3);
    retention = { maxBytes: 1024 * 1024, maxAgeMs: 86_400_000 }; // segments of 128 KiB from now on
    store.retentionChanged('shop');
    bus.publish('shop', 'twelve', 'logs', 'Log retention set');
    bus.close();

    const reopened = storeIn(dir);
    const bytes = reopened.size('shop');
    assert.ok(bytes >= 1024 * 1024 && bytes <= 1024 * 1024 + 128 * 1024 + 32 * 1024, `kept ${bytes} bytes`);
    const kept = reopened.read('shop', { count: 100_000 });
    assert.equal(kept.at(-1)!.text, 'Log retention set');
    assert.equal(kept.at(-2)!.text, line(31_999));
    // Every line from the first kept one on, none missing: the newest MiB of them (a line published alone
    // is a record of about 140 bytes with its header).
    const first = Number(/^line (\d+)/.exec(kept[0]!.text)![1]);
    assert.deepEqual(kept.slice(0, -1).map((e) => e.text), Array.from({ length: 32_000 - first }, (_, i) => line(first + i)));
    assert.ok(32_000 - first >= (1024 * 1024) / 150, `kept ${32_000 - first} lines`);
  });

  it('finishes a trim that a crash interrupted, with no line read twice or lost', () => {
    const logs = join(tempDir(), 'shop', 'logs');
    mkdirSync(logs, { recursive: true });
    const segment = (firstId: number, texts: string[]) => texts.map((text, i) => `#${firstId + i} 1700000000000 app web.1 1 ${text.length + 1}\n${text}\n`).join('');
    // Crashed after the copy was written, before the old segment went: the copy is dropped.
    writeFileSync(join(logs, segmentName(1)), segment(1, ['a', 'b', 'c']));
    writeFileSync(join(logs, `${segmentName(1)}.trim-${segmentName(2)}`), segment(2, ['b', 'c']));
    writeFileSync(join(logs, segmentName(4)), segment(4, ['d']));
    assert.deepEqual(storeIn(join(logs, '..', '..')).read('shop').map((e) => e.text), ['a', 'b', 'c', 'd']);
    assert.deepEqual(readdirSync(logs).sort(), [segmentName(1), segmentName(4)]);
    // Crashed after the old segment went: the copy takes its name.
    rmSync(join(logs, segmentName(1)));
    writeFileSync(join(logs, `${segmentName(1)}.trim-${segmentName(2)}`), segment(2, ['b', 'c']));
    assert.deepEqual(storeIn(join(logs, '..', '..')).read('shop').map((e) => e.text), ['b', 'c', 'd']);
    assert.deepEqual(readdirSync(logs).sort(), [segmentName(2), segmentName(4)]);
  });

  it('skips a line torn by a crash at the end of a segment', () => {
    const dir = tempDir();
    const bus = new LogBus(storeIn(dir));
    bus.publish('shop', 'app', 'web.1', 'whole');
    bus.close();
    const [segment] = readdirSync(join(dir, 'shop', 'logs'));
    appendFileSync(join(dir, 'shop', 'logs', segment!), '99999999999999999 17000 app web.1 tor');
    assert.deepEqual(storeIn(dir).read('shop').map((e) => e.text), ['whole']);
  });

  it('removes an app\'s log when the app is forgotten', () => {
    const dir = tempDir();
    const bus = new LogBus(storeIn(dir));
    bus.publish('shop', 'app', 'web.1', 'bye');
    assert.equal(bus.history('shop').length, 1);
    assert.ok(existsSync(join(dir, 'shop', 'logs')));
    bus.forget('shop');
    assert.deepEqual(bus.history('shop'), []);
    assert.equal(existsSync(join(dir, 'shop', 'logs')), false);
    bus.close();
  });
});

/** A segment of one event, last written `daysAgo` days ago, in the app's log directory. */
function oldSegment(logsDir: string, firstId: number, daysAgo: number): string {
  mkdirSync(logsDir, { recursive: true });
  const path = join(logsDir, segmentName(firstId));
  writeFileSync(path, `#${firstId} ${Date.now() - daysAgo * 86_400_000} app web.1 1 4\nold\n`);
  const then = new Date(Date.now() - daysAgo * 86_400_000);
  utimesSync(path, then, then);
  return path;
}

describe('retention of apps that are not being written', () => {
  it('deletes an idle app\'s segments older than its age, though nothing was written to it since the store was made', () => {
    const dir = tempDir();
    const old = oldSegment(join(dir, 'idle', 'logs'), 100, 30);
    const recent = oldSegment(join(dir, 'idle', 'logs'), 200, 0);
    const store = storeIn(dir, { retention: () => ({ maxBytes: 1 << 30, maxAgeMs: 7 * 86_400_000 }) });
    store.enforceRetention('idle');
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(recent), true);
    assert.deepEqual(store.read('idle').map((event) => event.text), ['old']);
    store.close();
  });

  it('is applied to every app when the platform\'s log side opens', () => {
    const dataDir = tempDir();
    const paths = pathsFor(dataDir);
    const db = openDatabase(join(dataDir, 'twelve.db'));
    try {
      const app = insertApp(db, 'quiet');
      setRetention(db, app.id, { maxAgeMs: 86_400_000 });
      const old = oldSegment(paths.logs('quiet'), 100, 3);
      const { bus } = openLogs(paths, db, silent);
      assert.equal(existsSync(old), false);
      bus.close();
    } finally {
      db.close();
    }
  });
});

