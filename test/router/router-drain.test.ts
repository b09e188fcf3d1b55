import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { deferred, startBackend, waitFor } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { get, startRouter } = transport;

  test('inFlight counts requests at a backend; drain waits for them and closes its idle keep-alive sockets', async (t) => {
    const router = await startRouter();
    t.after(() => router.close());
    const release = deferred();
    let held = 0;
    const backend = await startBackend(async (req, res) => {
      req.resume();
      if (req.url === '/hold') {
        held += 1;
        await release.promise;
      }
      res.end('done');
    });
    t.after(() => backend.close());
    const open = new Set<Socket>();
    backend.server.on('connection', (socket: Socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    router.table.addBackend('drain', { id: 'd1', process: 'web.1', port: backend.port });

    assert.equal((await get(router.port, 'drain.localhost')).body, 'done');
    assert.equal(router.router.inFlight('d1'), 0);
    assert.equal(open.size, 1, 'the router keeps its backend connection alive');
    const holding = get(router.port, 'drain.localhost', { path: '/hold' });
    await waitFor(() => held === 1, 'the held request');
    assert.equal(router.router.inFlight('d1'), 1);

    router.table.removeBackend('drain', 'd1');
    let drained: boolean | undefined;
    const draining = router.router.drain('d1').then((result) => { drained = result; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(drained, undefined, 'drain waits for the request in flight');
    release.resolve();
    assert.equal((await holding).body, 'done');
    await draining;
    assert.equal(drained, true);
    assert.equal(router.router.inFlight('d1'), 0);
    await waitFor(() => open.size === 0, 'every backend connection closed');
  });

  test('drain resolves false when the request in flight outlasts the timeout', async (t) => {
    const router = await startRouter();
    t.after(() => router.close());
    const release = deferred();
    const backend = await startBackend(async (req, res) => {
      req.resume();
      await release.promise;
      res.end('late');
    });
    t.after(() => backend.close());
    router.table.addBackend('slow', { id: 's1', process: 'web.1', port: backend.port });
    const answer = get(router.port, 'slow.localhost');
    await waitFor(() => router.router.inFlight('s1') === 1, 'the request in flight');
    router.table.removeBackend('slow', 's1');
    assert.equal(await router.router.drain('s1', 100), false);
    release.resolve();
    assert.equal((await answer).body, 'late');
    assert.equal(await router.router.drain('unknown'), true);
  });
});
