/** HTTPS-style (logplex-1) drains to a node:http receiver, and two drains of one app. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp } from '../../src/store/apps.js';
import { appLinesAt, byProcess, httpReceiverSetup, publishLines, testDatabase } from './drain-setup.js';
import { freePort } from '../../src/free-port.js';
import { HttpReceiver, waitUntil } from './receivers.js';

const database = testDatabase();
const withHttpReceiver = httpReceiverSetup(database);

describe('HTTPS-style drain to a node:http receiver', () => {
  it('posts logplex-1 batches with every line once and in order, retrying while the receiver fails', async () => {
    await withHttpReceiver('posted', async ({ app, bus, drains, receiver }) => {
      const drain = drains.add(app.id, `http://user:secret@127.0.0.1:${receiver.port}/logs`);
      const said = publishLines(bus, 'posted', ['web.1', 'web.2'], 1500, 'line');
      const received = () => appLinesAt(receiver);
      await waitUntil('3000 lines to arrive', () => received().length >= 3000);
      assert.deepEqual(byProcess(received()), said);
      const first = receiver.requests[0]!;
      assert.equal(first.headers['content-type'], 'application/logplex-1');
      assert.equal(first.headers['logplex-drain-token'], drain.token);
      assert.equal(Number(first.headers['logplex-msg-count']), first.count);
      assert.equal(first.headers.authorization, `Basic ${Buffer.from('user:secret').toString('base64')}`);
      assert.ok(receiver.requests.length > 1 && receiver.requests.every((r) => r.count <= 500), 'sent in batches');

      receiver.failing = true;
      const more = publishLines(bus, 'posted', ['web.1'], 50, 'later');
      await waitUntil('the drain to retry', () => drains.list(app.id)[0]!.state === 'retrying');
      receiver.failing = false;
      await waitUntil('what waited to arrive', () => received().length >= 3050);
      assert.deepEqual(byProcess(received()).get('web.1'), [...said.get('web.1')!, ...more.get('web.1')!]);
      assert.equal(drains.list(app.id)[0]!.dropped, 0);
    });
  });

  it('drops the oldest lines when its buffer overflows, counts them and says so in the stream (L10)', async () => {
    const app = insertApp(database(), 'overflow');
    const bus = new LogBus();
    const drains = new DrainManager(database(), bus, { capacity: 100, firstRetryMs: 50, maxRetryMs: 100, reportMs: 50 });
    const receiver = new HttpReceiver();
    receiver.failing = true;
    await receiver.start();
    try {
      drains.add(app.id, `http://127.0.0.1:${receiver.port}/`);
      const said = publishLines(bus, 'overflow', ['web.1'], 250, 'line').get('web.1')!;
      await waitUntil('the L10 report', () => bus.history('overflow').some((e) => /^Error L10 \(output buffer overflow\): \d+ messages dropped/.test(e.text)));
      const status = drains.list(app.id)[0]!;
      assert.ok(status.dropped >= 150, `dropped ${status.dropped}`);
      assert.ok(status.buffered <= 100, `holds ${status.buffered}`);
      receiver.failing = false;
      await waitUntil('the newest lines to arrive', () => receiver.messages.some((m) => m.endsWith('line web.1 249')));
      const texts = receiver.messages.map((m) => m.split(' - - ')[1]!).filter((t) => t.startsWith('line '));
      assert.deepEqual(texts, said.slice(said.length - texts.length), 'the newest lines, in order, none twice');
      assert.ok(!texts.includes('line web.1 0'), 'the oldest were dropped');
    } finally {
      await drains.close(0);
      await receiver.stop();
    }
  });
});

describe('an HTTP drain whose receiver stops and comes back', () => {
  it('holds what comes meanwhile and delivers it, every line once and in order, when the receiver listens again', async () => {
    await withHttpReceiver('stopping', async ({ app, bus, drains, receiver }) => {
      drains.add(app.id, `http://127.0.0.1:${receiver.port}/logs`);
      const before = publishLines(bus, 'stopping', ['web.1', 'web.2'], 100, 'before');
      const received = () => appLinesAt(receiver);
      await waitUntil('the first lines', () => received().length >= 200);
      await receiver.stop(); // nothing listens on its port now: connections are refused
      const during = publishLines(bus, 'stopping', ['web.1', 'web.2'], 100, 'during');
      await waitUntil('the drain to retry', () => drains.list(app.id)[0]!.state === 'retrying');
      // The first failure may be the kept-alive connection cut ("socket hang up"), then refusals.
      assert.match(drains.list(app.id)[0]!.lastError ?? '', /ECONNREFUSED|socket hang up/);
      await receiver.start();
      await waitUntil('what waited to arrive', () => received().length >= 400);
      const all = byProcess(received());
      for (const process of ['web.1', 'web.2']) assert.deepEqual(all.get(process), [...before.get(process)!, ...during.get(process)!]);
      assert.equal(drains.list(app.id)[0]!.dropped, 0);
      assert.ok(bus.history('stopping').some((e) => e.process === 'logplex' && /reachable again/.test(e.text)));
    });
  });
});

describe('two drains of one app', () => {
  it('a dead one holds up neither the other nor the stream, and shows its state, what it holds and its lag', async () => {
    const deadUrl = `syslog+tcp://127.0.0.1:${await freePort()}`; // nothing listens there
    await withHttpReceiver('twodrains', async ({ app, bus, drains, receiver }) => {
      const liveUrl = `http://127.0.0.1:${receiver.port}/drain`;
      drains.add(app.id, deadUrl);
      drains.add(app.id, liveUrl);
      const said = publishLines(bus, 'twodrains', ['web.1'], 500, 'both');
      const arrived = () => receiver.messages.map((message) => /both web\.1 \d+/.exec(message)?.[0]).filter((text) => text !== undefined);
      await waitUntil('the live drain to deliver every line', () => arrived().length >= 500);
      assert.deepEqual(arrived(), said.get('web.1'));
      const status = (url: string) => drains.list(app.id).find((drain) => drain.url === url)!;
      await waitUntil('the dead drain to lag behind', () => status(deadUrl).state === 'retrying' && status(deadUrl).lagMs > 0);
      assert.ok(status(deadUrl).buffered >= 500, `holds ${status(deadUrl).buffered}`);
      assert.match(status(deadUrl).lastError ?? '', /ECONNREFUSED/);
      await waitUntil('the live drain to have nothing waiting', () => status(liveUrl).buffered === 0);
      assert.deepEqual([status(liveUrl).state, status(liveUrl).lagMs, status(liveUrl).dropped], ['up', 0, 0]);
      assert.equal(bus.history('twodrains').filter((event) => event.source === 'app').length, 500);
    });
  });
});
