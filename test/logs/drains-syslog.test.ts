/** Syslog drains (TCP and TLS) to a real rsyslog, and to receivers that close or reset the connection. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp, type App } from '../../src/store/apps.js';
import { byProcess, publishLines, testDatabase, withSilentReceiver } from './drain-setup.js';
import { freePort } from '../../src/free-port.js';
import { RSYSLOG_GTLS, RSYSLOGD, Rsyslog, waitUntil } from './receivers.js';

const database = testDatabase();

/** An app's drain (retrying fast) to a real rsyslog over TCP, on a fresh bus; both are stopped after `run`. */
async function withRsyslogDrain(name: string, run: (setup: { app: App; bus: LogBus; drains: DrainManager; rsyslog: Rsyslog }) => Promise<void>): Promise<void> {
  const app = insertApp(database(), name);
  const bus = new LogBus();
  const drains = new DrainManager(database(), bus, { firstRetryMs: 50, maxRetryMs: 200 });
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

/**
 * Stops rsyslog, publishes 200 lines each for web.1 and web.2 while it is down, and starts it again: what
 * waited arrives after what came before (`first`, 300 lines each of web.1, web.2 and worker.1), in order per
 * process and once.
 */
async function throughAnOutage(setup: { rsyslog: Rsyslog; drains: DrainManager; appId: number; bus: LogBus; app: string;
  first: Map<string, string[]>; received: () => Array<{ process: string; text: string }> }): Promise<void> {
  const { rsyslog, drains, appId, bus, app, first, received } = setup;
  await rsyslog.stop();
  await waitUntil('the drain to notice rsyslog is gone', () => drains.list(appId)[0]!.state !== 'up');
  const second = publishLines(bus, app, ['web.1', 'web.2'], 200, 'while-down');
  await waitUntil('the drain to hold the lines', () => drains.list(appId)[0]!.state === 'retrying');
  assert.ok(drains.list(appId)[0]!.buffered >= 400);
  await rsyslog.start();
  await waitUntil('rsyslog to get what waited', () => received().length >= 1300);
  const all = byProcess(received());
  for (const process of ['web.1', 'web.2']) assert.deepEqual(all.get(process), [...first.get(process)!, ...second.get(process)!]);
  assert.deepEqual(all.get('worker.1'), first.get('worker.1'), 'worker.1 said nothing while rsyslog was down');
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

      await throughAnOutage({ rsyslog, drains, appId: app.id, bus, app: 'syslogged', first, received });
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
    const app = insertApp(database(), 'tlslogged');
    const bus = new LogBus();
    const rsyslog = new Rsyslog(await freePort(), { tls: true });
    const drains = new DrainManager(database(), bus, { firstRetryMs: 50, maxRetryMs: 200, tls: { ca: rsyslog.ca } });
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
      await throughAnOutage({ rsyslog, drains, appId: app.id, bus, app: 'tlslogged', first, received });
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
    const app = insertApp(database(), 'untrusted');
    const bus = new LogBus();
    const rsyslog = new Rsyslog(await freePort(), { tls: true });
    // No `tls` option: the certificate is checked against the system's CAs, which do not know this one.
    const drains = new DrainManager(database(), bus, { firstRetryMs: 50, maxRetryMs: 200 });
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

describe('a syslog receiver that resets the connection', () => {
  it('is said in the stream with the messages at risk; one that closes in order is not', async () => {
    await withSilentReceiver(database, 'resetting', {}, async ({ app, bus, drains, receiver }) => {
      const { connections } = receiver;
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
    });
  });
});
