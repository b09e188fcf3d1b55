import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, type TestBackend, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { get, startRouter } = transport;

  let router: TestRouter;
  let backend: TestBackend;
  /** What the backend saw of the last request. */
  let seen: { method: string; url: string; headers: IncomingHttpHeaders; rawHeaders: string[]; body: string };

  before(async () => {
    router = await startRouter();
    backend = await startBackend((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen = { method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() };
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Request-Id', 'the-app-made-this-one-up');
        res.end('ok');
      });
    });
    router.table.addBackend('fwd', { id: 'f1', process: 'web.1', port: backend.port });
  });

  after(async () => {
    await router.close();
    await backend.close();
  });

  test('forwards method, path, body and end-to-end headers, keeping the Host', async () => {
    const answer = await get(router.port, 'fwd.localhost:5000', {
      method: 'PUT', path: '/items/1?full=yes', body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-custom': 'kept', cookie: 'c=3' },
    });
    assert.equal(answer.status, 200);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/items/1?full=yes');
    assert.equal(seen.body, '{"a":1}');
    assert.equal(seen.headers.host, 'fwd.localhost:5000');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['x-custom'], 'kept');
    assert.equal(seen.headers.cookie, 'c=3');
    assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
  });

  test('drops hop-by-hop headers and the ones the Connection header names', async () => {
    await get(router.port, 'fwd.localhost', {
      headers: { connection: 'keep-alive, X-Hop', 'keep-alive': 'timeout=5', 'x-hop': 'secret', te: 'trailers', 'proxy-connection': 'keep-alive', 'x-end': 'kept' },
    });
    assert.equal(seen.headers['x-hop'], undefined);
    assert.equal(seen.headers['keep-alive'], undefined);
    assert.equal(seen.headers.te, undefined);
    assert.equal(seen.headers['proxy-connection'], undefined);
    assert.equal(seen.headers['x-end'], 'kept');
  });

  test('sets X-Forwarded-For, -Proto and -Port, appending to an incoming X-Forwarded-For', async () => {
    await get(router.port, 'fwd.localhost', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' } });
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], transport.name);
    assert.equal(seen.headers['x-forwarded-port'], String(router.port));
    assert.match(seen.headers.via ?? '', /twelve/);

    await get(router.port, 'fwd.localhost', { headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' } });
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.7, 10.0.0.2, 127.0.0.1');
  });

  test('generates a request id and sends it to the backend and back to the client', async () => {
    const answer = await get(router.port, 'fwd.localhost');
    const id = answer.headers['x-request-id'];
    assert.match(String(id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(seen.headers['x-request-id'], id);
  });

  test('keeps a valid client request id', async () => {
    const valid = 'Abc123+/=-Abc123+/=-xyz';
    const answer = await get(router.port, 'fwd.localhost', { headers: { 'x-request-id': valid } });
    assert.equal(seen.headers['x-request-id'], valid);
    assert.equal(answer.headers['x-request-id'], valid);
  });

  test('replaces an invalid client request id', async () => {
    for (const invalid of ['short', 'has a space and is long enough', 'x'.repeat(201)]) {
      const answer = await get(router.port, 'fwd.localhost', { headers: { 'x-request-id': invalid } });
      assert.notEqual(seen.headers['x-request-id'], invalid);
      assert.match(String(seen.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(answer.headers['x-request-id'], seen.headers['x-request-id']);
    }
  });

  test('error pages carry the request id too', async () => {
    const answer = await get(router.port, 'missing.localhost', { headers: { 'x-request-id': 'Abc123+/=-Abc123+/=-xyz' } });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['x-request-id'], 'Abc123+/=-Abc123+/=-xyz');
    assert.match(answer.body, /Abc123\+\/=-Abc123\+\/=-xyz/);
  });
});
