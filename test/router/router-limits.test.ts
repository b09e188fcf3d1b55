import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouterLimits } from '../../src/router/proxy-context.js';
import { routerLines, startBackend, statusLines, waitFor, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { rawClient, rawRoundTrip, startRouter } = transport;

  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A router with short limits and one app, `lim`, served by `handler`; returns it with the URLs the backend saw. */
  async function setUp(limits: Partial<RouterLimits>, handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ router: TestRouter; seen: string[] }> {
    const router = await startRouter({ limits });
    cleanups.push(router.close);
    const seen: string[] = [];
    const backend = await startBackend((req, res) => {
      seen.push(req.url ?? '');
      if (handler) return handler(req, res);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    cleanups.push(backend.close);
    router.table.addBackend('lim', { id: 'l1', process: 'web.1', port: backend.port });
    return { router, seen };
  }

  test('a client that trickles its request head gets 408 when the headers timeout runs out', async () => {
    const { router } = await setUp({ headersTimeoutMs: 300 });
    const client = await rawClient(router.port);
    const started = Date.now();
    client.send('GET / HTTP/1.1\r\nHost: lim.localhost\r\n');
    const trickle = setInterval(() => client.socket.writable && client.send('X'), 50);
    await client.closed;
    clearInterval(trickle);
    assert.deepEqual(statusLines(client.received()), ['HTTP/1.1 408 Request Timeout']);
    assert.ok(Date.now() - started < 5000);
  });

  test('an idle keep-alive connection is closed after the idle timeout, silently', async () => {
    const { router } = await setUp({ idleTimeoutMs: 300 });
    const client = await rawClient(router.port);
    client.send('GET / HTTP/1.1\r\nHost: lim.localhost\r\n\r\n');
    await client.until((text) => text.endsWith('ok'), 'the answer');
    await client.closed;
    assert.deepEqual(statusLines(client.received()), ['HTTP/1.1 200 OK']);
    const silent = await rawClient(router.port);
    await silent.closed;
    assert.equal(silent.received(), '');
  });

  test('a backend that stalls mid-response is cut after the activity timeout and logged T14', async () => {
    const { router } = await setUp({ activityTimeoutMs: 300 }, (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const client = await rawClient(router.port);
    client.send('GET /stall HTTP/1.1\r\nHost: lim.localhost\r\n\r\n');
    await client.closed;
    assert.ok(client.received().endsWith('partial'));
    const line = await waitFor(() => routerLines(router.logs, 'lim')[0], 'router line');
    assert.match(line, /^at=error code=T14 .* status=200 bytes=7 /);
  });

  test('refuses heads over the limits with 431: request line, whole head, field count', async () => {
    const { router, seen } = await setUp({});
    const long = await rawRoundTrip(router.port, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: lim.localhost\r\n\r\n`);
    assert.deepEqual(statusLines(long), ['HTTP/1.1 431 Request Header Fields Too Large']);
    const big = await rawRoundTrip(router.port, `GET / HTTP/1.1\r\nHost: lim.localhost\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`);
    assert.deepEqual(statusLines(big), ['HTTP/1.1 431 Request Header Fields Too Large']);
    const many = await rawRoundTrip(router.port, `GET / HTTP/1.1\r\nHost: lim.localhost\r\n${'X-F: 1\r\n'.repeat(101)}\r\n`);
    assert.deepEqual(statusLines(many), ['HTTP/1.1 431 Request Header Fields Too Large']);
    assert.deepEqual(seen, []);
  });

  test('refuses bodies over the limit with 413, by Content-Length before any byte reaches the backend, or mid-chunks', async () => {
    const { router, seen } = await setUp({ maxBodyBytes: 1000 });
    const declared = await rawRoundTrip(router.port, 'POST /big HTTP/1.1\r\nHost: lim.localhost\r\nContent-Length: 1001\r\n\r\n');
    assert.deepEqual(statusLines(declared), ['HTTP/1.1 413 Content Too Large']);
    assert.deepEqual(seen, []);
    const chunked = await rawRoundTrip(router.port,
      `POST /chunks HTTP/1.1\r\nHost: lim.localhost\r\nTransfer-Encoding: chunked\r\n\r\n1f4\r\n${'c'.repeat(500)}\r\n1f4\r\n${'c'.repeat(500)}\r\n1\r\nc\r\n0\r\n\r\n`);
    assert.match(chunked, /^HTTP\/1\.1 413 Content Too Large\r\n/);
    const fits = await rawRoundTrip(router.port, `POST /fits HTTP/1.1\r\nHost: lim.localhost\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n${'f'.repeat(1000)}`);
    assert.deepEqual(statusLines(fits), ['HTTP/1.1 200 OK']);
  });
});
