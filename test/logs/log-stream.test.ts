/** The API's log stream over real HTTP: frames and events, resuming after an id, and a reader that falls behind. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { streamLog, type LogFormat } from '../../src/api/log-stream.js';
import { readLogFrames } from '../../src/cli/log-frames.js';
import { readNdjson } from '../../src/cli/ndjson.js';
import { LogBus } from '../../src/logs/log-bus.js';
import type { LogQuery } from '../../src/logs/log-event.js';
import { LogStore } from '../../src/logs/log-store.js';

const cleanups: Array<() => void> = [];
after(() => { for (const cleanup of cleanups) cleanup(); });

function busOnDisk(): LogBus {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-log-stream-'));
  const bus = new LogBus(new LogStore({ dirFor: (app) => join(dir, app, 'logs') }));
  cleanups.push(() => { bus.close(); rmSync(dir, { recursive: true, force: true }); });
  return bus;
}

async function serve(bus: LogBus, query: LogQuery, format: LogFormat, tail = true): Promise<Server> {
  const server = createServer((_req, res) => streamLog(res, bus, 'shop', query, tail, format));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => { server.closeAllConnections(); server.close(); });
  return server;
}

function open(server: Server): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/', agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Reads [id, text] pairs from the answer, in either format, until `count` arrived or the answer ended. */
async function collect(response: IncomingMessage, count = Infinity): Promise<Array<[number, string]>> {
  const seen: Array<[number, string]> = [];
  if (response.headers['content-type'] === 'application/x-twelve-log-frames') {
    for await (const frame of readLogFrames(response)) {
      frame.text.split('\n').forEach((text, i) => seen.push([frame.firstId + i, text]));
      if (seen.length >= count) break;
    }
  } else {
    for await (const value of readNdjson(response)) {
      const event = value as { id: number; text: string };
      seen.push([event.id, event.text]);
      if (seen.length >= count) break;
    }
  }
  response.destroy();
  return seen;
}

const big = (from: number, count: number) => Buffer.from(Array.from({ length: count }, (_, i) => `${String(from + i).padStart(8, '0')} ${'x'.repeat(490)}\n`).join(''));
const block = (from: number, count: number) => Buffer.from(Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join(''));

describe('streamLog', () => {
  for (const format of ['frames', 'event'] as const) {
    it(`resumes after an id inside a stored batch, then follows live batches (${format})`, { timeout: 10_000 }, async () => {
      const bus = busOnDisk();
      const first = bus.publishBlock('shop', 'app', 'web.1', block(0, 5), 5);
      bus.publishBlock('shop', 'app', 'worker.1', block(5, 2), 2);
      const server = await serve(bus, { afterId: first.firstId + 2 }, format);
      const response = await open(server);
      assert.equal(response.headers['content-type'], format === 'frames' ? 'application/x-twelve-log-frames' : 'application/x-ndjson');
      const reading = collect(response, 7);
      setImmediate(() => bus.publishBlock('shop', 'app', 'web.1', block(7, 3), 3));
      const seen = await reading;
      assert.deepEqual(seen.map(([id]) => id - first.firstId), [3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(seen.map(([, text]) => text), ['line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 9']);
    });
  }

  it('sends a live tail each line as it was, though the publisher reuses its buffer at once', { timeout: 60_000 }, async () => {
    const bus = busOnDisk();
    const server = await serve(bus, { ps: 'web' }, 'frames');
    const response = await open(server);
    response.pause(); // writes queue up: the bytes must outlive the buffer they were published from
    const readBuffer = Buffer.alloc(100 * 500);
    // 12 MB: more than the kernel's socket buffers take, so a few MB wait in twelve as written pieces
    // (beyond 4 MB it reads the rest from disk).
    const total = 24_000;
    for (let from = 0; from < total; from += 100) {
      big(from, 100).copy(readBuffer);
      bus.publishBlock('shop', 'app', 'web.1', readBuffer, 100);
      readBuffer.fill('?');
    }
    response.resume();
    const seen = await collect(response, total);
    assert.equal(seen.length, total);
    seen.forEach(([, text], i) => { if (text !== big(i, 1).toString().slice(0, -1)) assert.fail(`line ${i} arrived as ${text.slice(0, 12)}...`); });
  });

  for (const format of ['frames', 'event'] as const) {
    it(`keeps the order of small batches (sent at the turn's end) and big ones (sent at once) in one turn (${format})`, { timeout: 10_000 }, async () => {
      const bus = busOnDisk();
      const server = await serve(bus, {}, format);
      const response = await open(server);
      const reading = collect(response, 2 + 100 + 3 + 100);
      // In one turn: a small batch waits for the turn's end, a big one (50 KB) takes it along at once.
      bus.publishBlock('shop', 'app', 'web.1', block(0, 2), 2);
      bus.publishBlock('shop', 'app', 'worker.1', big(2, 100), 100);
      bus.publishBlock('shop', 'app', 'web.1', block(102, 3), 3);
      bus.publishBlock('shop', 'app', 'worker.1', big(105, 100), 100);
      const seen = await reading;
      const texts = seen.map(([, text]) => text.split(' ')[0] === 'line' ? Number(text.split(' ')[1]) : Number(text.slice(0, 8)));
      assert.deepEqual(texts, Array.from({ length: 205 }, (_, i) => i));
      assert.ok(seen.every(([id], i) => i === 0 || id === seen[i - 1]![0] + 1), 'ids in order, none skipped');
    });
  }

  it('lets a reader fall far behind and catches it up from disk, every line once and in order', { timeout: 60_000 }, async () => {
    const bus = busOnDisk();
    let pagesFromDisk = 0;
    const historyBatches = bus.historyBatches.bind(bus);
    bus.historyBatches = (...args) => { pagesFromDisk += 1; return historyBatches(...args); };
    const server = await serve(bus, { ps: 'web' }, 'frames');
    const response = await open(server);
    response.pause(); // a reader that does not read: the socket fills and twelve stops sending live lines
    // 40 000 lines of 500 bytes: 20 MB, far beyond what twelve queues for one reader.
    const total = 40_000;
    for (let from = 0; from < total; from += 500) {
      bus.publishBlock('shop', 'app', 'web.1', big(from, 500), 500);
      bus.publishBlock('shop', 'app', 'worker.1', block(0, 1), 1); // filtered out by ps=web
    }
    const seen = await collect(response, total);
    assert.equal(seen.length, total);
    seen.forEach(([, text], i) => { if (Number(text.slice(0, 8)) !== i) assert.fail(`line ${i} arrived as ${text.slice(0, 8)}`); });
    assert.ok(seen.every(([id], i) => i === 0 || id > seen[i - 1]![0]), 'ids increase');
    assert.ok(pagesFromDisk > 0, 'the reader was caught up from disk, as frames of the stored batches');
  });

  for (const format of ['frames', 'event'] as const) {
    it(`answers a read after an id in full, however slowly it is read, then ends (${format})`, { timeout: 60_000 }, async () => {
      const bus = busOnDisk();
      const first = bus.publishBlock('shop', 'app', 'web.1', big(0, 500), 500);
      for (let from = 500; from < 30_000; from += 500) bus.publishBlock('shop', 'app', 'web.1', big(from, 500), 500);
      const server = await serve(bus, { afterId: first.firstId }, format, false);
      const response = await open(server);
      response.pause();
      await new Promise((resolve) => setTimeout(resolve, 200)); // twelve fills the socket and waits for it to drain
      const seen = await collect(response);
      assert.equal(seen.length, 29_999, 'every line after the id, not a page of them');
      assert.equal(Number(seen.at(-1)![1].slice(0, 8)), 29_999);
    });
  }

  it('ends a live tail when its app is destroyed', { timeout: 10_000 }, async () => {
    const bus = busOnDisk();
    const server = await serve(bus, {}, 'frames');
    const response = await open(server);
    const reading = collect(response);
    bus.publishBlock('shop', 'app', 'web.1', block(0, 2), 2);
    setTimeout(() => bus.forget('shop'), 50);
    const seen = await reading;
    assert.deepEqual(seen.map(([, text]) => text), ['line 0', 'line 1']);
  });

  it('says after which id a reader that got none of its events resumes, to get them and what is newer', async () => {
    const bus = busOnDisk();
    for (let i = 0; i < 5; i += 1) bus.publish('shop', 'app', 'web.1', `line ${i}`);
    const ids = bus.history('shop', { count: 10 }).map((event) => event.id);
    const resumeAfter = async (query: LogQuery) => {
      const response = await open(await serve(bus, query, 'frames'));
      response.destroy();
      return Number(response.headers['x-twelve-log-after']);
    };
    // The last two lines, then live ones: after the line before those two.
    assert.equal(await resumeAfter({ count: 2 }), ids[2]);
    // No recent lines (`-n 0`): after the newest line there is.
    assert.equal(await resumeAfter({ count: 0 }), ids[4]);
    assert.equal(await resumeAfter({ count: 0 }), bus.lastId());
    // A resumed read: after the same id again.
    assert.equal(await resumeAfter({ afterId: ids[1]! }), ids[1]);
  });
});
