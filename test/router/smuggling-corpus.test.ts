import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, statusLines, type TestBackend, type TestRouter } from './helpers.js';
import { TRANSPORTS } from './transport.js';

for (const transport of TRANSPORTS) describe(`over ${transport.name}`, () => {
  const { rawRoundTrip, startRouter } = transport;

  let router: TestRouter;
  let backend: TestBackend;
  /** Every URL the backend was asked for: a smuggled request must never show up here. */
  const seen: string[] = [];

  before(async () => {
    router = await startRouter();
    backend = await startBackend((req, res) => {
      seen.push(req.url ?? '');
      req.on('error', () => {});
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    router.table.addBackend('s', { id: 's1', process: 'web.1', port: backend.port });
  });

  after(async () => {
    await router.close();
    await backend.close();
  });

  const HOST = 'Host: s.localhost\r\n';
  const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: s.localhost\r\n\r\n';

  /** Requests two parsers could frame differently, or that break the grammar: each must get a 400 and a closed connection. */
  const CORPUS: Record<string, string> = {
    'Content-Length with Transfer-Encoding': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    'Transfer-Encoding with Content-Length': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    'two different Content-Lengths': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 0\r\nContent-Length: 45\r\n\r\n${SMUGGLED}`,
    'two equal Content-Lengths': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx`,
    'a Content-Length list': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 1, 1\r\n\r\nx`,
    'a signed Content-Length': `POST /a HTTP/1.1\r\n${HOST}Content-Length: +1\r\n\r\nx`,
    'a hex Content-Length': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 0x1\r\n\r\nx`,
    'Transfer-Encoding: xchunked': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
    'Transfer-Encoding: chunked, identity': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    'Transfer-Encoding: identity, chunked': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`,
    'two Transfer-Encoding headers': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`,
    'space before the colon': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`,
    'a tab after Content-Length': `POST /a HTTP/1.1\r\n${HOST}Content-Length: 0\t\r\n\r\n`,
    'vertical tab in Transfer-Encoding': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n`,
    'obs-fold of Transfer-Encoding': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`,
    'obs-fold of any header': `GET /a HTTP/1.1\r\n${HOST}X-Long: one\r\n\ttwo\r\n\r\n`,
    'Transfer-Encoding in HTTP/1.0': `POST /a HTTP/1.0\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    'bare LF line ends': `GET /a HTTP/1.1\n${HOST.replace('\r', '')}\n`,
    'a bare LF inside a header line': `GET /a HTTP/1.1\r\n${HOST}X-A: 1\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    'a bare CR inside a header line': `GET /a HTTP/1.1\r\n${HOST}X-A: 1\rContent-Length: 40\r\n\r\n${SMUGGLED}`,
    'NUL in a header value': `GET /a HTTP/1.1\r\n${HOST}X-A: 1\x002\r\n\r\n`,
    'two Host headers': `GET /a HTTP/1.1\r\n${HOST}Host: other.localhost\r\n\r\n`,
    'an absolute-form target': `GET http://other.localhost/ HTTP/1.1\r\n${HOST}\r\n`,
    'HTTP/1.2': `GET /a HTTP/1.2\r\n${HOST}\r\n`,
    'a space in the target': `GET /a b HTTP/1.1\r\n${HOST}\r\n`,
    'an unknown method': `SMUGGLE /a HTTP/1.1\r\n${HOST}\r\n`,
    'a chunk size with a 0x prefix': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`,
    'a negative chunk size': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n`,
    'a space after the chunk size': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n`,
    'an overlong chunk size': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0000000000000000005\r\nhello\r\n0\r\n\r\n`,
    'chunk data longer than its size': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n`,
    'a bare LF after the chunk size': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n${SMUGGLED}`,
    'a bare LF after the last chunk': `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0\n\n${SMUGGLED}`,
  };

  for (const [name, request] of Object.entries(CORPUS)) {
    test(`refuses ${name} with 400 and closes the connection`, async () => {
      const before = seen.length;
      const text = await rawRoundTrip(router.port, request);
      const lines = statusLines(text);
      assert.deepEqual(lines, ['HTTP/1.1 400 Bad Request'], `${name}: ${JSON.stringify(text)}`);
      assert.match(text, /connection: close\r\n/i);
      assert.ok(!seen.slice(before).includes('/smuggled'), `${name}: the smuggled request reached the backend`);
    });
  }

  test('the same requests, framed plainly, are served', async () => {
    const text = await rawRoundTrip(router.port,
      `POST /a HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n`
      + `POST /b HTTP/1.1\r\n${HOST}Content-Length:  5 \r\n\r\nhello`
      + `GET /c HTTP/1.1\r\n${HOST}Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n`
      + `\r\nGET /d HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
    assert.deepEqual(statusLines(text), Array(4).fill('HTTP/1.1 200 OK'), text);
    assert.deepEqual(seen.slice(-4), ['/a', '/b', '/c', '/d']);
  });
});
