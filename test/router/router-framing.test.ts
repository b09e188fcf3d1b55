import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, statusLines, type TestBackend, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { rawClient, rawRoundTrip, startRouter } = transport;

  let router: TestRouter;
  const backends: TestBackend[] = [];

  /** A backend that answers with what it saw, as one line: app, method, url, host, forwarded headers, body length. */
  async function reporter(app: string): Promise<void> {
    const backend = await startBackend((req, res) => {
      let length = 0;
      req.on('data', (chunk: Buffer) => { length += chunk.length; });
      req.on('end', () => {
        if (req.url === '/no-content') return void res.writeHead(204).end();
        if (req.url === '/hints') res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        if (req.url === '/not-modified') return void res.writeHead(304, { etag: '"x"' }).end();
        const h = req.headers;
        const text = `${app} ${req.method} ${req.url} http/${req.httpVersion} host=${h.host} xff=${h['x-forwarded-for']} proto=${h['x-forwarded-proto']} `
          + `rid=${h['x-request-id']} expect=${h.expect ?? '-'} len=${length}\n`;
        // An explicit length: node frames answers to HTTP/1.0 requests by closing the connection otherwise.
        res.setHeader('content-length', Buffer.byteLength(text));
        res.end(text);
      });
    });
    backends.push(backend);
    router.table.addBackend(app, { id: `${app}-1`, process: 'web.1', port: backend.port });
  }

  before(async () => {
    router = await startRouter();
    await reporter('one');
    await reporter('two');
  });

  after(async () => {
    await router.close();
    for (const backend of backends) await backend.close();
  });

  test('routes each request on one keep-alive connection by its own Host', async () => {
    const client = await rawClient(router.port);
    client.send('GET /a HTTP/1.1\r\nHost: one.localhost\r\n\r\n');
    await client.until((t) => t.includes('one GET /a'), 'the first answer');
    client.send('GET /b HTTP/1.1\r\nHost: two.localhost\r\n\r\n');
    await client.until((t) => t.includes('two GET /b'), 'the second answer, from the other app');
    client.send('GET /c HTTP/1.1\r\nHost: ghost.localhost\r\n\r\n');
    await client.until((t) => t.includes('T10'), 'a 404 for the unknown host');
    client.send('GET /d HTTP/1.1\r\nHost: one.localhost\r\n\r\n');
    await client.until((t) => t.includes('one GET /d'), 'the connection still serving after the 404');
    client.socket.destroy();
  });

  test('a client cannot forge the router\'s own headers on a later request of the connection', async () => {
    const client = await rawClient(router.port);
    client.send('GET /1 HTTP/1.1\r\nHost: one.localhost\r\n\r\n');
    await client.until((t) => t.includes('one GET /1'), 'the first answer');
    client.send('GET /2 HTTP/1.1\r\nHost: one.localhost\r\nX-Forwarded-Proto: https\r\nX-Request-Id: short\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n');
    const text = await client.until((t) => t.includes('one GET /2'), 'the second answer');
    const line = text.slice(text.indexOf('one GET /2'));
    assert.match(line, new RegExp(`xff=6\\.6\\.6\\.6, 127\\.0\\.0\\.1 proto=${transport.name} rid=[0-9a-f-]{36} `));
    client.socket.destroy();
  });

  test('answers pipelined requests in order, each routed by its Host', async () => {
    const text = await rawRoundTrip(router.port,
      'GET /p1 HTTP/1.1\r\nHost: one.localhost\r\n\r\n'
      + 'POST /p2 HTTP/1.1\r\nHost: two.localhost\r\nContent-Length: 5\r\n\r\nhello'
      + 'POST /p3 HTTP/1.1\r\nHost: one.localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
      + 'GET /p4 HTTP/1.1\r\nHost: two.localhost\r\nConnection: close\r\n\r\n');
    assert.equal(statusLines(text).length, 4);
    const order = [...text.matchAll(/(one|two) (GET|POST) (\/p\d) .* len=(\d+)/g)].map((m) => `${m[1]} ${m[3]} ${m[4]}`);
    assert.deepEqual(order, ['one /p1 0', 'two /p2 5', 'one /p3 3', 'two /p4 0']);
    assert.match(text, /Connection: close\r\n/i);
  });

  test('HEAD, 204 and 304 answers have no body and the connection goes on', async () => {
    const text = await rawRoundTrip(router.port,
      'HEAD /h HTTP/1.1\r\nHost: one.localhost\r\n\r\n'
      + 'GET /no-content HTTP/1.1\r\nHost: one.localhost\r\n\r\n'
      + 'GET /not-modified HTTP/1.1\r\nHost: one.localhost\r\n\r\n'
      + 'GET /after HTTP/1.1\r\nHost: one.localhost\r\n\r\n');
    assert.deepEqual(statusLines(text).map((line) => line.slice(9, 12)), ['200', '204', '304', '200']);
    assert.match(text, /Content-Length: \d+\r\n/i);
    assert.ok(text.endsWith('len=0\n'), text);
    assert.equal(text.match(/one (GET|HEAD)/g)?.length, 1);
  });

  test('answers Expect: 100-continue itself, then relays the body', async () => {
    const client = await rawClient(router.port);
    client.send('PUT /up HTTP/1.1\r\nHost: one.localhost\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
    await client.until((t) => t.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 'the 100 Continue');
    client.send('data');
    const text = await client.until((t) => t.includes('len=4'), 'the final answer');
    assert.match(text, /one PUT \/up http\/1\.1 .* expect=- len=4/);
    client.socket.destroy();
  });

  test('serves HTTP/1.0: closes by default, keeps the connection when asked', async () => {
    const closing = await rawRoundTrip(router.port, 'GET /old HTTP/1.0\r\nHost: one.localhost\r\n\r\n');
    assert.match(closing, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(closing, /Connection: close\r\n/i);
    assert.match(closing, /one GET \/old http\/1\.0 /);

    const client = await rawClient(router.port);
    client.send('GET /ka1 HTTP/1.0\r\nHost: one.localhost\r\nConnection: keep-alive\r\n\r\n');
    const first = await client.until((t) => t.includes('/ka1'), 'the first 1.0 answer');
    assert.match(first, /Connection: keep-alive\r\n/i);
    assert.match(first, /Content-Length: \d+\r\n/i);
    client.send('GET /ka2 HTTP/1.0\r\nHost: two.localhost\r\n\r\n');
    await client.until((t) => t.includes('two GET /ka2'), 'the second answer on the same connection');
    await client.closed;
  });

  test('a request without Host is refused with 400 for HTTP/1.1 and routed nowhere for HTTP/1.0', async () => {
    assert.match(await rawRoundTrip(router.port, 'GET / HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(await rawRoundTrip(router.port, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 404 Not Found\r\n/);
  });

  test('relays interim 103 Early Hints before the final answer', async () => {
    const text = await rawRoundTrip(router.port, 'GET /hints HTTP/1.1\r\nHost: one.localhost\r\nConnection: close\r\n\r\n');
    assert.deepEqual(statusLines(text).map((line) => line.slice(9, 12)), ['103', '200']);
    assert.match(text, /^HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload\r\n\r\n/i);
  });
});
