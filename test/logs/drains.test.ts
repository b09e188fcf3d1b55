import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp, type App } from '../../src/store/apps.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { freePort, HttpReceiver, RSYSLOG_GTLS, RSYSLOGD, Rsyslog, waitUntil } from './receivers.js';

let dir: string;
let db: Db;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'twelve-drains-'));
  db = openDatabase(join(dir, 'twelve.db'));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes `count` lines for each process, interleaved; returns what each process said, in order. */
function publishLines(bus: LogBus, app: string, processes: string[], count: number, label: string): Map<string, string[]> {
  const said = new Map(processes.map((p) => [p, [] as string[]]));
  for (let i = 0; i < count; i += 1) {
    for (const process of processes) {
      const text = `${label} ${process} ${i}`;
      bus.publish(app, 'app', process, text);
      said.get(process)!.push(text);
    }
  }
  return said;
}

/** Each process's lines as received, in arrival order. */
function byProcess(lines: Array<{ process: string; text: string }>): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const { process, text } of lines) seen.set(process, [...(seen.get(process) ?? []), text]);
  return seen;
}

/** An app's drain (retrying fast) to a real rsyslog over TCP, on a fresh bus; both are stopped after `run`. */
async function withRsyslogDrain(name: string, run: (setup: { app: App; bus: LogBus; drains: DrainManager; rsyslog: Rsyslog }) => Promise<void>): Promise<void> {
  const app = insertApp(db, name);
  const bus = new LogBus();
  const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 200 });
  const rsyslog = new Rsyslog(await freePort());
  try {
    await rsyslog.start();
    drains.add(app.id, `syslog+tcp://127.0.0.1:${rsyslog.port}`);
    await run({ app, bus, drains, rsyslog });
  } finally {
    await drains.close(0);
    await rsyslog.dispose();
  }
}

describe('syslog drain to a real rsyslog', { skip: RSYSLOGD ? false : 'rsyslog is not installed (apt-get install -y rsyslog)' }, () => {
  it('delivers every line once, in order per process, and what waited while rsyslog was down', async () => {
    await withRsyslogDrain('syslogged', async ({ app, bus, drains, rsyslog }) => {
      const first = publishLines(bus, 'syslogged', ['web.1', 'web.2', 'worker.1'], 300, 'before');
      const received = () => rsyslog.lines().map((line) => {
        const [host, source, process, ...text] = line.split(' ');
        return { host, source, process: process!, text: text.join(' ') };
      }).filter((line) => line.source === 'app');
      await waitUntil('rsyslog to write 900 lines', () => received().length >= 900);
      assert.deepEqual(byProcess(received()), first);
      assert.ok(received().every((line) => line.host === 'syslogged'));

      await rsyslog.stop();
      await waitUntil('the drain to notice rsyslog is gone', () => drains.list(app.id)[0]!.state !== 'up');
      const second = publishLines(bus, 'syslogged', ['web.1', 'web.2'], 200, 'while-down');
      await waitUntil('the drain to hold the lines', () => drains.list(app.id)[0]!.state === 'retrying');
      assert.ok(drains.list(app.id)[0]!.buffered >= 400);

      await rsyslog.start();
      await waitUntil('rsyslog to get what waited', () => received().length >= 1300);
      const all = byProcess(received());
      assert.deepEqual(all.get('web.2'), [...first.get('web.2')!, ...second.get('web.2')!]);
      assert.deepEqual(all.get('web.1'), [...first.get('web.1')!, ...second.get('web.1')!]);
      assert.deepEqual(all.get('worker.1'), first.get('worker.1'), 'worker.1 said nothing while rsyslog was down');
      const status = drains.list(app.id)[0]!;
      assert.equal(status.dropped, 0);
      assert.equal(status.state, 'up');
      assert.ok(bus.history('syslogged').some((e) => e.process === 'logplex' && /reachable again/.test(e.text)));
    });
  });
});

describe('syslog drain to rsyslog stopped while lines flow', { skip: RSYSLOGD ? false : 'rsyslog is not installed (apt-get install -y rsyslog)' }, () => {
  it('loses no line without saying so: none twice, and any missing ones within a reported reset\'s bound', async () => {
    let published = 0;
    let timer: NodeJS.Timeout | undefined;
    await withRsyslogDrain('flowing', async ({ app, bus, drains, rsyslog }) => {
      try {
        // 10 lines every 10 ms, as an app that logs steadily, through the stop and the start.
        const tick = () => {
          for (let i = 0; i < 10; i += 1) bus.publish('flowing', 'app', 'web.1', `flow ${published++}`);
          timer = setTimeout(tick, 10);
        };
        tick();
        await waitUntil('lines at rsyslog', () => parsed(rsyslog).length >= 200);
        await rsyslog.stop();
        await waitUntil('the drain to hold lines', () => drains.list(app.id)[0]!.state === 'retrying' && drains.list(app.id)[0]!.buffered >= 100);
        await rsyslog.start();
        await waitUntil('the drain to be up again', () => drains.list(app.id)[0]!.state === 'up');
        clearTimeout(timer);
        await waitUntil('every line handed over', () => drains.list(app.id)[0]!.buffered === 0);
        const last = `flow ${published - 1}`;
        await waitUntil('the last line at rsyslog', () => parsed(rsyslog).some((line) => line.text === last));
        const texts = parsed(rsyslog).filter((line) => line.source === 'app').map((line) => line.text);
        assert.equal(new Set(texts).size, texts.length, 'no line twice');
        const missing = Array.from({ length: published }, (_, i) => `flow ${i}`).filter((text) => !texts.includes(text));
        const reset = bus.history('flowing').find((e) => e.process === 'logplex' && /may be lost/.test(e.text));
        if (missing.length > 0) {
          assert.ok(reset, `${missing.length} lines missing (${missing[0]}...) and no reset reported`);
          assert.ok(Number(/up to (\d+) of the last messages/.exec(reset.text)![1]) >= missing.length, reset.text);
        }
      } finally {
        clearTimeout(timer);
      }
    });
  });
});

/** rsyslog's output file as `host app-name procid msg` fields, the template Rsyslog writes with. */
function parsed(rsyslog: Rsyslog): Array<{ host: string; source: string; process: string; text: string }> {
  return rsyslog.lines().map((line) => {
    const [host, source, process, ...text] = line.split(' ');
    return { host: host!, source: source!, process: process!, text: text.join(' ') };
  });
}

const tlsSkip = !RSYSLOGD ? 'rsyslog is not installed (apt-get install -y rsyslog)'
  : !RSYSLOG_GTLS ? "rsyslog's TLS driver lmnsd_gtls.so is not installed (apt-get install -y rsyslog-gnutls)" : false;

describe('syslog+tls drain to a real rsyslog speaking TLS', { skip: tlsSkip }, () => {
  it('delivers every line once, in order per process, checking the certificate against a private CA', async () => {
    const app = insertApp(db, 'tlslogged');
    const bus = new LogBus();
    const rsyslog = new Rsyslog(await freePort(), { tls: true });
    const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 200, tls: { ca: rsyslog.ca } });
    try {
      await rsyslog.start();
      const url = `syslog+tls://127.0.0.1:${rsyslog.port}`;
      drains.add(app.id, url);
      const first = publishLines(bus, 'tlslogged', ['web.1', 'web.2', 'worker.1'], 300, 'before');
      const received = () => parsed(rsyslog).filter((line) => line.source === 'app');
      await waitUntil('rsyslog to write 900 lines', () => received().length >= 900);
      assert.deepEqual(byProcess(received()), first);
      assert.ok(received().every((line) => line.host === 'tlslogged'));
      // twelve's own events travel the same connection, under twelve/logplex.
      assert.deepEqual(parsed(rsyslog).find((line) => line.source === 'twelve'),
        { host: 'tlslogged', source: 'twelve', process: 'logplex', text: `Drain added: ${url}` });
      const up = drains.list(app.id)[0]!;
      assert.equal(up.kind, 'syslog+tls');
      assert.equal(up.state, 'up');
      assert.equal(up.lastError, null);

      // The TLS connection survives rsyslog going away and coming back, and what waited arrives in order.
      await rsyslog.stop();
      await waitUntil('the drain to notice rsyslog is gone', () => drains.list(app.id)[0]!.state !== 'up');
      const second = publishLines(bus, 'tlslogged', ['web.1', 'web.2'], 200, 'while-down');
      await waitUntil('the drain to hold the lines', () => drains.list(app.id)[0]!.state === 'retrying');
      assert.ok(drains.list(app.id)[0]!.buffered >= 400);

      await rsyslog.start();
      await waitUntil('rsyslog to get what waited', () => received().length >= 1300);
      const all = byProcess(received());
      assert.deepEqual(all.get('web.1'), [...first.get('web.1')!, ...second.get('web.1')!]);
      assert.deepEqual(all.get('web.2'), [...first.get('web.2')!, ...second.get('web.2')!]);
      assert.deepEqual(all.get('worker.1'), first.get('worker.1'));
      const status = drains.list(app.id)[0]!;
      assert.equal(status.dropped, 0);
      assert.equal(status.state, 'up');
      assert.ok(bus.history('tlslogged').some((e) => e.process === 'logplex' && /reachable again/.test(e.text)));
    } finally {
      await drains.close(0);
      await rsyslog.dispose();
    }
  });

  it('sends nothing to a receiver whose certificate it cannot check, and says why', async () => {
    const app = insertApp(db, 'untrusted');
    const bus = new LogBus();
    const rsyslog = new Rsyslog(await freePort(), { tls: true });
    // No `tls` option: the certificate is checked against the system's CAs, which do not know this one.
    const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 200 });
    try {
      await rsyslog.start();
      const url = `syslog+tls://127.0.0.1:${rsyslog.port}`;
      drains.add(app.id, url);
      publishLines(bus, 'untrusted', ['web.1'], 50, 'secret');
      // Several failed attempts (each retry has its own retryAt), not one that might still be on its way.
      const attempts = new Set<string>();
      await waitUntil('the drain to fail three attempts', () => {
        const { retryAt } = drains.list(app.id)[0]!;
        if (retryAt) attempts.add(retryAt);
        return attempts.size >= 3;
      });
      const status = drains.list(app.id)[0]!;
      assert.equal(status.state, 'retrying');
      assert.match(status.lastError ?? '', /certificate/, `lastError: ${status.lastError}`);
      assert.equal(status.sent, 0);
      // The 50 lines wait, with twelve's "Drain added" and "is unreachable" (the app's stream, drained too).
      assert.equal(status.buffered, 52);
      assert.equal(status.dropped, 0);
      assert.deepEqual(parsed(rsyslog).filter((line) => line.host === 'untrusted'), [], 'rsyslog got nothing');
      const said = bus.history('untrusted').filter((e) => e.process === 'logplex' && / is unreachable /.test(e.text));
      assert.equal(said.length, 1, 'said once per outage, not per retry');
      assert.match(said[0]!.text, new RegExp(`^Drain ${url.replace(/[.+]/g, '\\$&')} is unreachable \\(.*certificate.*\\)`));

      const removed = drains.remove(app.id, url);
      assert.equal(removed.sent, 0);
      assert.deepEqual(drains.list(app.id), []);
    } finally {
      await drains.close(0);
      await rsyslog.dispose();
    }
  });
});

/** The app's lines an HTTP receiver got, in arrival order (a logplex-1 message: `<PRI>VERSION TIME HOST SOURCE PROCESS - - TEXT`). */
function appLinesAt(receiver: HttpReceiver): Array<{ process: string; text: string }> {
  return receiver.messages.map((m) => {
    const [, , , source, process, , , ...text] = m.split(' ');
    return { source, process: process!, text: text.join(' ') };
  }).filter((m) => m.source === 'app');
}

/** An app's drains (retrying fast) on a fresh bus, and a node:http receiver; both are closed after `run`. */
async function withHttpReceiver(name: string, run: (setup: { app: App; bus: LogBus; drains: DrainManager; receiver: HttpReceiver }) => Promise<void>): Promise<void> {
  const app = insertApp(db, name);
  const bus = new LogBus();
  const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 200 });
  const receiver = new HttpReceiver();
  await receiver.start();
  try {
    await run({ app, bus, drains, receiver });
  } finally {
    await drains.close(0);
    await receiver.stop();
  }
}

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
    const app = insertApp(db, 'overflow');
    const bus = new LogBus();
    const drains = new DrainManager(db, bus, { capacity: 100, firstRetryMs: 50, maxRetryMs: 100, reportMs: 50 });
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

describe('a syslog receiver that resets the connection', () => {
  it('is said in the stream with the messages at risk; one that closes in order is not', async () => {
    // Reads nothing, so what arrives stays unread: closing then resets the connection (RST), as rsyslog
    // does when it is stopped with lines not yet read.
    const connections: Socket[] = [];
    const receiver = createServer({ pauseOnConnect: true }, (socket) => { connections.push(socket); });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const app = insertApp(db, 'resetting');
    const bus = new LogBus();
    const drains = new DrainManager(db, bus, { firstRetryMs: 50, maxRetryMs: 200 });
    try {
      drains.add(app.id, `syslog+tcp://127.0.0.1:${(receiver.address() as AddressInfo).port}`);
      publishLines(bus, 'resetting', ['web.1'], 20, 'unread');
      await waitUntil('the lines to be written', () => drains.list(app.id)[0]!.sent >= 20 && connections.length === 1);
      connections[0]!.destroy();
      await waitUntil('the reset in the stream', () => bus.history('resetting').some((e) => e.process === 'logplex' && /reset/.test(e.text)));
      const said = bus.history('resetting').find((e) => e.process === 'logplex' && /reset/.test(e.text))!.text;
      // The 20 lines and the drain's own "Drain added" event.
      assert.match(said, /: connection to 127\.0\.0\.1:\d+ reset \(ECONNRESET\); up to 21 of the last messages sent to it may be lost$/);

      // The same receiver, reading this time, then closing in order: nothing was lost, nothing is said.
      publishLines(bus, 'resetting', ['web.1'], 5, 'read');
      await waitUntil('a new connection', () => connections.length === 2 && drains.list(app.id)[0]!.sent >= 25);
      connections[1]!.resume();
      connections[1]!.once('end', () => {});
      await new Promise<void>((resolve) => connections[1]!.end(resolve));
      await waitUntil('the drain to see the close', () => drains.list(app.id)[0]!.state !== 'up');
      assert.equal(bus.history('resetting').filter((e) => e.process === 'logplex' && /may be lost/.test(e.text)).length, 1);
    } finally {
      await drains.close(0);
      for (const socket of connections) socket.destroy();
      receiver.close();
    }
  });
});
