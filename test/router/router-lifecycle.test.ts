import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { once } from 'node:events';
import { deferred, startBackend, startNamedBackend, waitFor } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { get, startRouter } = transport;

  test('a removed backend gets no new requests while its request in flight completes', async (t) => {
    const router = await startRouter();
    t.after(() => router.close());
    const release = deferred();
    let slowRequests = 0;
    const slow = await startBackend(async (req, res) => {
      slowRequests += 1;
      req.resume();
      await release.promise;
      res.end('slow');
    });
    t.after(() => slow.close());
    const fast = await startNamedBackend('fast');
    t.after(() => fast.close());
    router.table.addBackend('drain', { id: 'slow', process: 'web.1', port: slow.port });
    router.table.addBackend('drain', { id: 'fast', process: 'web.2', port: fast.port });

    const inFlight = get(router.port, 'drain.localhost');
    await waitFor(() => slowRequests === 1, 'the slow request');
    router.table.removeBackend('drain', 'slow');
    for (let i = 0; i < 3; i++) assert.equal((await get(router.port, 'drain.localhost')).body, 'fast');
    assert.equal(slowRequests, 1);
    release.resolve();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'slow');
  });

  test('close() refuses new connections, lets the request in flight finish, then resolves', async () => {
    const router = await startRouter();
    const release = deferred();
    let received = false;
    const backend = await startBackend(async (req, res) => {
      received = true;
      req.resume();
      await release.promise;
      res.end('finished');
    });
    router.table.addBackend('closing', { id: 'c1', process: 'web.1', port: backend.port });
    // An idle keep-alive client connection must not hold close() up.
    const keepAlive = new (transport.name === 'https' ? https : http).Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      transport.request({ host: '127.0.0.1', port: router.port, agent: keepAlive, headers: { host: 'missing.localhost' } }).on('response', (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject).end();
    });

    const inFlight = get(router.port, 'closing.localhost');
    await waitFor(() => received, 'the request to reach the backend');
    let closed = false;
    const closing = router.close().then(() => { closed = true; });
    await assert.rejects(get(router.port, 'closing.localhost'), { code: 'ECONNREFUSED' });
    assert.equal(closed, false);
    release.resolve();
    const answer = await inFlight;
    assert.equal(answer.body, 'finished');
    assert.equal(answer.headers.connection, 'close');
    await closing;
    keepAlive.destroy();
    await backend.close();
  });

  test('close() cuts what is still running at its deadline, tunnels included', async () => {
    const router = await startRouter({ closeTimeoutMs: 100 });
    let requests = 0;
    const silent = await startBackend((req) => {
      requests += 1;
      req.resume();
    });
    silent.server.on('upgrade', (_req: http.IncomingMessage, socket: net.Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.pipe(socket);
    });
    router.table.addBackend('stuck', { id: 's1', process: 'web.1', port: silent.port });

    const tunnel = await transport.connect(router.port);
    tunnel.on('error', () => {});
    let head = '';
    tunnel.on('data', (chunk: Buffer) => { head += chunk.toString(); });
    tunnel.write('GET / HTTP/1.1\r\nHost: stuck.localhost\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    await waitFor(() => head.includes('\r\n\r\n'), 'the 101 head');

    const stuck = get(router.port, 'stuck.localhost');
    const stuckResult = stuck.then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
    await waitFor(() => requests === 1, 'the request to reach the backend');
    await router.close();
    assert.equal(await stuckResult, 'ECONNRESET');
    if (!tunnel.destroyed) await once(tunnel, 'close');
    await silent.close();
  });
});
