import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsHtml, errorMessages, renderErrorPage, ROUTER_ERRORS } from '../../src/router/error-pages.js';
import { clientResponseHead, requestIdFrom } from '../../src/router/forward-headers.js';
import { parseResponseHead } from '../../src/router/response-head.js';
import { formatRequestLog } from '../../src/router/request-log.js';

test('every router error code has a status, a description and a meaning', () => {
  const codes = Object.keys(ROUTER_ERRORS);
  assert.deepEqual(codes, ['T10', 'T11', 'T12', 'T13', 'T14', 'T15', 'T16', 'T17', 'T18', 'T19']);
  for (const code of codes) {
    const entry = ROUTER_ERRORS[code as keyof typeof ROUTER_ERRORS];
    assert.ok(entry.status >= 400 && entry.desc.length > 0 && entry.meaning.length > 0, code);
  }
  assert.deepEqual([ROUTER_ERRORS.T10.status, ROUTER_ERRORS.T11.status, ROUTER_ERRORS.T12.status, ROUTER_ERRORS.T13.status], [404, 503, 504, 502]);
});

test('a browser gets an HTML error page with the message escaped', () => {
  const page = renderErrorPage('T10', errorMessages.noSuchApp('<b>x</b>.localhost'), { accept: 'text/html,application/xhtml+xml', requestId: 'r1' });
  const body = page.body.toString();
  assert.equal(page.status, 404);
  assert.match(page.headers['content-type']!, /^text\/html/);
  assert.match(body, /&#60;b&#62;x&#60;\/b&#62;\.localhost/);
  assert.match(body, /twelve apps/);
  assert.match(body, /T10/);
  assert.equal(page.headers['content-length'], String(page.body.length));
});

test('other clients get the error as plain text', () => {
  const page = renderErrorPage('T11', errorMessages.noWebProcess('hello'), { accept: '*/*', requestId: 'r2' });
  assert.match(page.headers['content-type']!, /^text\/plain/);
  assert.equal(page.body.toString(), 'T11 No web process running: The app "hello" has no web process running. Deploy it, or check `twelve ps -a hello` and `twelve logs -a hello`.\nrequest id: r2\n');
  assert.equal(acceptsHtml(undefined), false);
  assert.equal(acceptsHtml('application/json, text/html;q=0.5'), true);
});

test('the router log line has Heroku\'s shape', () => {
  const entry = { method: 'GET', path: '/a b?q="1"', host: 'hello.localhost', requestId: 'abc', fwd: '10.0.0.1, 127.0.0.1', dyno: 'web.1', connectMs: 0.4, serviceMs: 3.2, status: 200, bytes: 123, protocol: 'http' as const };
  assert.equal(formatRequestLog(entry),
    'at=info method=GET path="/a b?q=\\"1\\"" host=hello.localhost request_id=abc fwd="10.0.0.1, 127.0.0.1" dyno=web.1 connect=0ms service=3ms status=200 bytes=123 protocol=http');
  assert.equal(formatRequestLog({ ...entry, code: 'T13', dyno: '', status: 502, bytes: 10 }),
    'at=error code=T13 desc="Backend connection error" method=GET path="/a b?q=\\"1\\"" host=hello.localhost request_id=abc fwd="10.0.0.1, 127.0.0.1" dyno= connect=0ms service=3ms status=502 bytes=10 protocol=http');
  assert.match(formatRequestLog({ ...entry, protocol: 'https' }), / protocol=https$/);
});

test('a request id is kept only when it follows Heroku\'s rule', () => {
  const valid = 'abcdefghij0123456789+/=-';
  assert.equal(requestIdFrom(valid), valid);
  assert.notEqual(requestIdFrom('too-short'), 'too-short');
  assert.notEqual(requestIdFrom('x'.repeat(201)), 'x'.repeat(201));
  assert.notEqual(requestIdFrom('has spaces in it, more than twenty'), 'has spaces in it, more than twenty');
  assert.match(requestIdFrom(undefined), /^[0-9a-f-]{36}$/);
});

test('response heads lose connection headers, keep framing and carry the router\'s request id', () => {
  const raw = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Private\r\nKeep-Alive: timeout=5\r\n'
    + 'X-Private: 1\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Request-Id: from-app\r\n\r\n');
  const head = parseResponseHead(raw, 0, raw.indexOf('\r\n\r\n'), 'GET', 100);
  assert.ok(typeof head !== 'string');
  assert.equal(clientResponseHead(head, 'rid', undefined),
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Request-Id: rid\r\n\r\n');
  const upgrade = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
  const switched = parseResponseHead(upgrade, 0, upgrade.indexOf('\r\n\r\n'), 'GET', 100);
  assert.ok(typeof switched !== 'string');
  assert.equal(clientResponseHead(switched, 'rid', 'close'),
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nX-Request-Id: rid\r\n\r\n');
});
