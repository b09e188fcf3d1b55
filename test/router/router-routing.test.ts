import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { closedPort, routerLines, startBackend, startNamedBackend, waitFor, type TestBackend, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { get, startRouter } = transport;

  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function router(options: { requestTimeoutMs?: number } = {}): Promise<TestRouter> {
    const started = await startRouter(options);
    cleanups.push(started.close);
    return started;
  }

  async function backend(name: string): Promise<TestBackend> {
    const started = await startNamedBackend(name);
    cleanups.push(started.close);
    return started;
  }

  test('routes by Host header whatever its case and port, and to extra domains', async () => {
    const { table, port } = await router();
    const hello = await backend('hello');
    const shop = await backend('shop');
    table.setApp('hello');
    table.addBackend('hello', { id: 'h1', process: 'web.1', port: hello.port });
    table.setApp('shop', ['shop.example.com']);
    table.addBackend('shop', { id: 's1', process: 'web.1', port: shop.port });

    assert.equal((await get(port, 'hello.localhost')).body, 'hello');
    assert.equal((await get(port, `HELLO.LocalHost:${port}`)).body, 'hello');
    assert.equal((await get(port, 'shop.localhost.')).body, 'shop');
    assert.equal((await get(port, 'Shop.Example.com:80')).body, 'shop');
  });

  test('spreads requests round robin across three backends', async () => {
    const { table, port } = await router();
    for (const n of [1, 2, 3]) {
      const b = await backend(`web.${n}`);
      table.addBackend('rr', { id: `p${n}`, process: `web.${n}`, port: b.port });
    }
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push((await get(port, 'rr.localhost')).body);
    assert.deepEqual(bodies, ['web.1', 'web.2', 'web.3', 'web.1', 'web.2', 'web.3']);
  });

  test('answers 404 naming the unknown host, and logs nothing to any app', async () => {
    const { table, port, logs } = await router();
    table.setApp('known');
    const answer = await get(port, 'nope.localhost:5000');
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['x-twelve-error'], 'T10');
    assert.match(answer.body, /nope\.localhost/);
    assert.match(answer.body, /twelve apps/);
    assert.match(answer.headers['content-type'] ?? '', /text\/plain/);
    const html = await get(port, 'nope.localhost', { headers: { accept: 'text/html' } });
    assert.match(html.headers['content-type'] ?? '', /text\/html/);
    assert.match(html.body, /<h1>No such app<\/h1>/);
    assert.deepEqual(routerLines(logs, 'nope'), []);
    assert.deepEqual(routerLines(logs, 'known'), []);
  });

  test('answers 503 T11 when the app has no web process', async () => {
    const { table, port, logs } = await router();
    table.setApp('idle');
    const answer = await get(port, 'idle.localhost');
    assert.equal(answer.status, 503);
    assert.match(answer.body, /T11/);
    const line = await waitFor(() => routerLines(logs, 'idle')[0], 'router line');
    assert.match(line, /^at=error code=T11 desc="No web process running" method=GET path="\/" host=idle\.localhost .* dyno= .* status=503 /);
  });

  test('retries on another backend when one backend refuses the connection', async () => {
    const { table, port, logs } = await router();
    const good = await backend('good');
    table.addBackend('retry', { id: 'dead', process: 'web.1', port: await closedPort() });
    table.addBackend('retry', { id: 'alive', process: 'web.2', port: good.port });
    for (let i = 0; i < 4; i++) {
      const answer = await get(port, 'retry.localhost', { method: 'POST', body: `body ${i}` });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'good');
    }
    const lines = await waitFor(() => { const l = routerLines(logs, 'retry'); return l.length === 4 && l; }, '4 router lines');
    for (const line of lines) assert.match(line, /^at=info .* dyno=web\.2 .* status=200 /);
  });

  test('a request body reaches the backend that serves it after a refused attempt', async () => {
    const { table, port } = await router();
    const echo = await startBackend((req, res) => req.pipe(res));
    cleanups.push(echo.close);
    table.addBackend('body', { id: 'dead', process: 'web.1', port: await closedPort() });
    table.addBackend('body', { id: 'echo', process: 'web.2', port: echo.port });
    const answer = await get(port, 'body.localhost', { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(answer.body.length, 100_000);
  });

  /** A raw backend that answers the first request on a connection and resets the connection on the next one. */
  async function startOneShotBackend(): Promise<number> {
    const server = net.createServer((socket) => {
      let served = false;
      socket.on('error', () => {});
      socket.on('data', () => {
        if (served) return void socket.resetAndDestroy();
        served = true;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\none-shot');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as AddressInfo).port;
  }

  test('retries on another backend when a reused keep-alive connection is reset', async () => {
    const { table, port } = await router();
    const good = await backend('good');
    table.addBackend('reuse', { id: 'flaky', process: 'web.1', port: await startOneShotBackend() });
    table.addBackend('reuse', { id: 'good', process: 'web.2', port: good.port });
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await get(port, 'reuse.localhost')).body);
    // The third request goes to web.1 again on the pooled connection, which resets: web.2 answers instead.
    assert.deepEqual(bodies, ['one-shot', 'good', 'good']);
  });

  test('answers 502 T13 when the only backend resets the connection', async () => {
    const { table, port, logs } = await router();
    const resetting = await startBackend((req) => req.socket.destroy());
    cleanups.push(resetting.close);
    table.addBackend('reset', { id: 'r1', process: 'web.1', port: resetting.port });
    const answer = await get(port, 'reset.localhost');
    assert.equal(answer.status, 502);
    assert.match(answer.body, /T13/);
    const line = await waitFor(() => routerLines(logs, 'reset')[0], 'router line');
    assert.match(line, /^at=error code=T13 desc="Backend connection error" .* dyno=web\.1 .* status=502 /);
  });

  test('answers 504 T12 when the backend does not answer within the request timeout', async () => {
    const { table, port, logs } = await router({ requestTimeoutMs: 150 });
    const silent = await startBackend((req) => req.resume());
    cleanups.push(silent.close);
    table.addBackend('slow', { id: 's1', process: 'web.1', port: silent.port });
    const answer = await get(port, 'slow.localhost');
    assert.equal(answer.status, 504);
    assert.match(answer.body, /T12 Request timeout/);
    const line = await waitFor(() => routerLines(logs, 'slow')[0], 'router line');
    assert.match(line, /^at=error code=T12 desc="Request timeout" .* dyno=web\.1 .* status=504 /);
  });

  test('logs one router line per request with status, dyno and bytes', async () => {
    const { table, port, logs } = await router();
    const b = await backend('hello world');
    table.addBackend('logged', { id: 'l1', process: 'web.1', port: b.port });
    const answer = await get(port, 'Logged.localhost:5000', { path: '/a/b?c=1', headers: { 'x-request-id': 'req-0123456789abcdefghij' } });
    assert.equal(answer.status, 200);
    const events = await waitFor(() => { const e = logs.history('logged'); return e.length > 0 && e; }, 'router line');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.source, 'router');
    assert.equal(events[0]!.process, 'router');
    assert.match(events[0]!.text,
      new RegExp(`^at=info method=GET path="/a/b\\?c=1" host=logged\\.localhost request_id=req-0123456789abcdefghij fwd="127\\.0\\.0\\.1" dyno=web\\.1 connect=\\d+ms service=\\d+ms status=200 bytes=11 protocol=${transport.name}$`));
  });
});
