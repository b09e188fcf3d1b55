/** A syslog receiver that accepts the connection but never reads: seen as stalled, and its loss bounded. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, it } from 'node:test';
import { testDatabase, withSilentReceiver } from './drain-setup.js';
import { parseFrames, waitUntil } from './receivers.js';

const database = testDatabase();

/** What a socket that is never read takes in before its window closes: its default receive buffer. */
function receiveBufferBytes(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/tcp_rmem', 'utf8').trim().split(/\s+/)[1]);
  } catch {
    return 128 * 1024;
  }
}

describe('a syslog receiver that accepts but never reads', () => {
  it('shows as stalled with a clear error, and when it is killed the loss reported covers what it never took', async () => {
    await withSilentReceiver(database, 'stalling', { stallMs: 500 }, async ({ app, bus, drains, receiver }) => {
      const { connections } = receiver;
      // 8 MB: more than the kernel's buffers on both sides hold, so the writes stop.
      const line = 'x'.repeat(4000);
      for (let i = 0; i < 2000; i += 1) bus.publish('stalling', 'app', 'web.1', `${i} ${line}`);
      await waitUntil('the drain to show the stall', () => drains.list(app.id)[0]!.state === 'stalled');
      const stalled = drains.list(app.id)[0]!;
      assert.match(stalled.lastError ?? '', /^the receiver has taken nothing for \d+(\.\d+)? s, with \d+ bytes waiting/);
      assert.ok(bus.history('stalling').some((e) => e.process === 'logplex' && / is stalled \(the receiver has taken nothing/.test(e.text)));
      const { sent } = stalled;
      assert.ok(sent > 0 && sent < 2000, `sent ${sent}`);

      receiver.stopListening(); // so that the drain, reconnecting, is refused and shows why it retries
      connections[0]!.destroy(); // unread bytes: the kernel resets the connection
      await waitUntil('the loss in the stream', () => bus.history('stalling').some((e) => /may be lost/.test(e.text)));
      const said = bus.history('stalling').find((e) => /may be lost/.test(e.text))!.text;
      assert.match(said, /reset \(ECONNRESET\); up to \d+ of the last messages/);
      const atRisk = Number(/up to (\d+) of the last messages/.exec(said)![1]);
      // The receiver read none of what was sent; its kernel acknowledged at most a receive buffer of it.
      const acknowledgedAtMost = Math.ceil(receiveBufferBytes() / 4000) + 2;
      assert.ok(atRisk >= sent - acknowledgedAtMost, `${atRisk} at risk of ${sent} sent`);
      await waitUntil('the drain to retry', () => drains.list(app.id)[0]!.state === 'retrying');
      assert.match(drains.list(app.id)[0]!.lastError ?? '', /reset \(ECONNRESET\)|ECONNREFUSED/);
    });
  });

  it('does not take a receiver that reads slowly but steadily for a stalled one', async () => {
    await withSilentReceiver(database, 'slow', { stallMs: 500 }, async ({ app, bus, drains, receiver }) => {
      // 16 MB: far more than the kernel's buffers hold, so writes wait on the reader.
      for (let i = 0; i < 4000; i += 1) bus.publish('slow', 'app', 'web.1', `${i} ${'x'.repeat(4000)}`);
      await waitUntil('the connection', () => receiver.connections.length === 1);
      // At most 16 KiB (the socket's buffer) every 25 ms, about 640 KB/s: a 1 MiB write takes over a
      // second to go, longer than stallMs.
      const connection = receiver.connections[0]!;
      let received = 0;
      const reader = setInterval(() => {
        const chunk = connection.read() as Buffer | null;
        if (chunk) received += chunk.length;
      }, 25);
      try {
        const states = new Set<string>();
        await waitUntil('the receiver to have read 8 MB', () => {
          states.add(drains.list(app.id)[0]!.state);
          return received >= 8 * 1024 * 1024;
        }, 60_000);
        assert.equal(states.has('stalled'), false, `states seen: ${[...states].join(', ')}`);
        assert.equal(bus.history('slow').some((e) => / is stalled /.test(e.text)), false);
      } finally {
        clearInterval(reader);
      }
    });
  });

  it('once removed, sends nothing more: the write on its way ends the connection, and none is made again', async () => {
    await withSilentReceiver(database, 'removed', { stallMs: 500 }, async ({ app, bus, drains, receiver }) => {
      for (let i = 0; i < 4000; i += 1) bus.publish('removed', 'app', 'web.1', `${i} ${'x'.repeat(4000)}`);
      await waitUntil('the drain to show the stall', () => drains.list(app.id)[0]!.state === 'stalled');
      drains.remove(app.id, drains.list(app.id)[0]!.id);
      // The receiver reads again: the write that waited goes, then the connection ends.
      const first = receiver.connections[0]!;
      let ended = false;
      first.on('end', () => { ended = true; });
      first.on('data', () => {});
      first.resume();
      await waitUntil('the removed drain\'s connection to end', () => ended, 30_000);
      // A reconnect would have been made before the end came (its SYN before the FIN): a probe accepted
      // after it, in order, shows whether there was one.
      const probe = createConnection({ host: '127.0.0.1', port: receiver.port });
      try {
        await waitUntil('the probe to be accepted', () => receiver.connections.length >= 2);
        assert.equal(receiver.connections.length, 2, 'the removed drain connected again');
        assert.equal(receiver.connections[1]!.remotePort, probe.localPort);
      } finally {
        probe.destroy();
      }
    });
  });

  it('is up again, and says so, once the receiver reads again; every line arrives once and in order', async () => {
    await withSilentReceiver(database, 'resuming', { stallMs: 500 }, async ({ app, bus, drains, receiver }) => {
      const said = Array.from({ length: 2000 }, (_, i) => `${i} ${'x'.repeat(4000)}`);
      for (const text of said) bus.publish('resuming', 'app', 'web.1', text);
      await waitUntil('the drain to show the stall', () => drains.list(app.id)[0]!.state === 'stalled');
      const chunks: Buffer[] = [];
      receiver.connections[0]!.on('data', (chunk: Buffer) => chunks.push(chunk));
      receiver.connections[0]!.resume();
      await waitUntil('every line to arrive', () => drains.list(app.id)[0]!.buffered === 0, 30_000);
      await waitUntil('the drain to be up again', () => drains.list(app.id)[0]!.state === 'up');
      assert.ok(bus.history('resuming').some((e) => e.process === 'logplex' && / is reachable again$/.test(e.text)));
      await waitUntil('the last line at the receiver', () => Buffer.concat(chunks).includes(said.at(-1)!));
      const texts = parseFrames(Buffer.concat(chunks)).map((message) => message.split(' - - ')[1]!);
      assert.deepEqual(texts.filter((text) => /^\d+ x/.test(text)), said);
      assert.equal(drains.list(app.id)[0]!.lastError, null);
    });
  });
});
