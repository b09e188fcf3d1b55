import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { routerLines, startBackend, waitFor, type TestBackend, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { startRouter } = transport;

  let router: TestRouter;
  const backends: TestBackend[] = [];

  before(async () => {
    router = await startRouter();
  });

  after(async () => {
    await router.close();
    for (const backend of backends) await backend.close();
  });

  async function backend(app: string, handler: Parameters<typeof startBackend>[0]): Promise<TestBackend> {
    const started = await startBackend(handler);
    backends.push(started);
    router.table.addBackend(app, { id: `${app}-1`, process: 'web.1', port: started.port });
    return started;
  }

  test('streams a chunked request body and a chunked response before either ends', async () => {
    let backendEnded = false;
    await backend('stream', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.on('data', (chunk: Buffer) => res.write(`got:${chunk.toString()};`));
      req.on('end', () => res.end('done', () => { backendEnded = true; }));
    });
    const req = transport.request({ host: '127.0.0.1', port: router.port, method: 'POST', agent: false, headers: { host: 'stream.localhost', 'transfer-encoding': 'chunked' } });
    req.write('one');
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    let received = '';
    res.on('data', (chunk: Buffer) => { received += chunk.toString(); });
    await waitFor(() => received.includes('got:one;'), 'the first response chunk');
    assert.equal(backendEnded, false);
    req.write('two');
    await waitFor(() => received.includes('got:two;'), 'the second response chunk');
    assert.equal(backendEnded, false);
    req.end();
    await once(res, 'end');
    assert.equal(received, 'got:one;got:two;done');
  });

  /** Opens a raw connection, sends an upgrade request and collects everything that comes back. */
  async function rawUpgrade(host: string): Promise<{ socket: net.Socket; received: () => string }> {
    const socket = await transport.connect(router.port);
    let received = '';
    socket.on('data', (chunk: Buffer) => { received += chunk.toString(); });
    socket.on('error', () => {});
    socket.write(`GET /chat HTTP/1.1\r\nHost: ${host}\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`);
    return { socket, received: () => received };
  }

  test('upgrades a connection and pipes raw bytes both ways', async () => {
    let upgradeHeaders: IncomingHttpHeaders | undefined;
    const echo = await backend('echo', (_req, res) => res.end('not an upgrade'));
    echo.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      upgradeHeaders = req.headers;
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      if (head.length > 0) socket.write(head);
      socket.pipe(socket);
    });
    const { socket, received } = await rawUpgrade('echo.localhost');
    await waitFor(() => received().includes('\r\n\r\n'), 'the 101 response head');
    assert.match(received(), /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(received(), /\r\nUpgrade: echo\r\n/i);
    assert.match(received(), /\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
    assert.equal(upgradeHeaders?.upgrade, 'echo');
    assert.equal(upgradeHeaders?.['x-forwarded-for'], '127.0.0.1');
    socket.write('ping');
    await waitFor(() => received().endsWith('\r\n\r\nping'), 'the echoed bytes');
    socket.write('pong');
    await waitFor(() => received().endsWith('pingpong'), 'more echoed bytes');
    const line = await waitFor(() => routerLines(router.logs, 'echo')[0], 'router line');
    assert.match(line, /^at=info method=GET path="\/chat" host=echo\.localhost .* dyno=web\.1 .* status=101 /);
    socket.destroy();
  });

  test('relays a backend\'s refusal to upgrade as a plain response', async () => {
    const refusing = await backend('refuse', (_req, res) => res.end());
    refusing.server.on('upgrade', (_req: http.IncomingMessage, socket: net.Socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope');
    });
    const { socket, received } = await rawUpgrade('refuse.localhost');
    await once(socket, 'close');
    assert.match(received(), /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.ok(received().endsWith('\r\n\r\nnope'));
  });

  test('answers an upgrade for an unknown host with the 404 page', async () => {
    const { socket, received } = await rawUpgrade('ghost.localhost');
    await once(socket, 'close');
    assert.match(received(), /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.match(received(), /ghost\.localhost/);
  });

  test('cuts the client connection and logs T14 when the backend dies mid-response', async () => {
    await backend('dies', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial', () => res.socket?.destroy());
    });
    const req = transport.request({ host: '127.0.0.1', port: router.port, agent: false, headers: { host: 'dies.localhost' } });
    req.on('error', () => {});
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let received = '';
    res.on('data', (chunk: Buffer) => { received += chunk.toString(); });
    res.on('error', () => {});
    await new Promise((resolve) => res.on('close', resolve));
    assert.equal(res.complete, false);
    assert.equal(received, 'partial');
    const line = await waitFor(() => routerLines(router.logs, 'dies')[0], 'router line');
    assert.match(line, /^at=error code=T14 .* dyno=web\.1 .* status=200 bytes=7 /);
  });

  test('survives a client that aborts mid-body, telling the backend and logging T15', async () => {
    let backendSawClose = false;
    let backendGotData = false;
    await backend('abort', (req) => {
      req.on('data', () => { backendGotData = true; });
      req.on('close', () => { backendSawClose = true; });
    });
    const req = transport.request({ host: '127.0.0.1', port: router.port, method: 'POST', agent: false, headers: { host: 'abort.localhost', 'transfer-encoding': 'chunked' } });
    req.on('error', () => {});
    req.write('first part');
    await waitFor(() => backendGotData, 'the backend to get the first part');
    req.destroy();
    await waitFor(() => backendSawClose, 'the backend request to close');
    const line = await waitFor(() => routerLines(router.logs, 'abort')[0], 'router line');
    assert.match(line, /^at=error code=T15 desc="Client request interrupted" method=POST .* status=499 /);
  });
});
