import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import pino from 'pino';
import { CertificateBook } from '../../src/certs/certificate-book.js';
import { LocalCa } from '../../src/certs/local-ca.js';
import { Router } from '../../src/router/router.js';
import { routerLines, waitFor, startNamedBackend, type TestBackend, type TestRouter } from './helpers.js';
import { testCa, TRANSPORTS } from './transport.js';

const overTls = TRANSPORTS.find((transport) => transport.name === 'https')!;
let router: TestRouter;
let backend: TestBackend;
let book: CertificateBook;

before(async () => {
  router = await overTls.startRouter();
  backend = await startNamedBackend('tls-app');
  router.table.addBackend('secure', { id: 's1', process: 'web.1', port: backend.port });
  // For the routers of their own that two tests start, with a book they change.
  book = new CertificateBook(testCa, { mayIssue: (name) => name.endsWith('.localhost') });
});

after(async () => {
  await router.close();
  await backend.close();
});

/** Connects with `options` and resolves once the handshake is done (or rejects with its error). */
async function handshake(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  const socket = tls.connect({ host: '127.0.0.1', port: router.port, ca: testCa.rootPem, servername: 'secure.localhost', ...options });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  return socket;
}

test('speaks TLS 1.3 and 1.2 with ALPN http/1.1, and refuses TLS 1.1', async () => {
  const modern = await handshake({ ALPNProtocols: ['h2', 'http/1.1'] });
  assert.equal(modern.getProtocol(), 'TLSv1.3');
  assert.equal(modern.alpnProtocol, 'http/1.1');
  modern.destroy();
  const older = await handshake({ maxVersion: 'TLSv1.2' });
  assert.equal(older.getProtocol(), 'TLSv1.2');
  older.destroy();
  await assert.rejects(handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
});

test('chooses the certificate by SNI, signed by the local CA for a .localhost name', async () => {
  const socket = await handshake({ servername: 'secure.localhost' });
  const cert = new X509Certificate(socket.getPeerCertificate().raw);
  assert.equal(cert.checkHost('secure.localhost'), 'secure.localhost');
  assert.ok(cert.checkIssued(new X509Certificate(testCa.rootPem)));
  socket.destroy();
});

test('answers a client that sends no server name', async () => {
  const socket = tls.connect({ host: '127.0.0.1', port: router.port, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  assert.equal(new X509Certificate(socket.getPeerCertificate().raw).checkHost('localhost'), 'localhost');
  socket.destroy();
});

test('resumes a session from its ticket, over TLS 1.3 and 1.2', async () => {
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    let session: Buffer | undefined;
    const first = tls.connect({ host: '127.0.0.1', port: router.port, ca: testCa.rootPem, servername: 'secure.localhost', maxVersion });
    first.on('session', (ticket: Buffer) => { session = ticket; });
    await once(first, 'secureConnect');
    first.write('GET / HTTP/1.1\r\nHost: secure.localhost\r\n\r\n');
    await once(first, 'data');
    await waitFor(() => session, 'the session ticket');
    first.end();
    const second = await handshake({ maxVersion, session });
    assert.equal(second.isSessionReused(), true, maxVersion);
    second.destroy();
  }
});

test('renews the ticket on each resumed TLS 1.3 handshake, so a client that uses a ticket once keeps resuming', async () => {
  let session: Buffer | undefined;
  for (let round = 0; round < 3; round++) {
    const used = session;
    session = undefined;
    const socket = tls.connect({ host: '127.0.0.1', port: router.port, ca: testCa.rootPem, servername: 'secure.localhost', maxVersion: 'TLSv1.3', session: used });
    socket.on('session', (ticket: Buffer) => { session = ticket; });
    await once(socket, 'secureConnect');
    assert.equal(socket.isSessionReused(), round > 0, `connection ${round + 1}`);
    // TLS 1.3 tickets come after the handshake: a request's answer is behind them.
    socket.write('GET / HTTP/1.1\r\nHost: secure.localhost\r\n\r\n');
    await once(socket, 'data');
    await waitFor(() => session, `a ticket on connection ${round + 1}`);
    socket.destroy();
  }
});

test('a ticket under keys this listener does not have (another run of twelve) gets a full handshake, not an error', async () => {
  const ownRouter = new Router({ table: router.table, logs: router.logs, logger: pino({ level: 'silent' }) });
  const port = await ownRouter.listenTls(0, '127.0.0.1', book);
  try {
    let session: Buffer | undefined;
    const first = tls.connect({ host: '127.0.0.1', port: router.port, ca: testCa.rootPem, servername: 'secure.localhost', maxVersion: 'TLSv1.3' });
    first.on('session', (ticket: Buffer) => { session = ticket; });
    await once(first, 'secureConnect');
    first.write('GET / HTTP/1.1\r\nHost: secure.localhost\r\n\r\n');
    await once(first, 'data');
    await waitFor(() => session, 'the session ticket');
    first.destroy();
    const other = tls.connect({ host: '127.0.0.1', port, ca: testCa.rootPem, servername: 'secure.localhost', maxVersion: 'TLSv1.3', session });
    await once(other, 'secureConnect');
    assert.equal(other.isSessionReused(), false);
    other.destroy();
  } finally {
    await ownRouter.close();
  }
});

test('serves a request over TLS with X-Forwarded-Proto https and a protocol=https router line', async () => {
  const answer = await overTls.get(router.port, 'secure.localhost');
  assert.equal(answer.body, 'tls-app');
  const line = routerLines(router.logs, 'secure').at(-1) ?? '';
  assert.match(line, / protocol=https$/);
});

test('a certificate put in the book serves the next handshake, while an open connection keeps going', async () => {
  const other = await LocalCa.create();
  const ownRouter = new Router({ table: router.table, logs: router.logs, logger: pino({ level: 'silent' }) });
  const port = await ownRouter.listenTls(0, '127.0.0.1', book);
  try {
    const open = tls.connect({ host: '127.0.0.1', port, ca: testCa.rootPem, servername: 'secure.localhost' });
    await once(open, 'secureConnect');
    book.put(['secure.localhost'], await other.issue(['secure.localhost']));
    const next = tls.connect({ host: '127.0.0.1', port, ca: other.rootPem, servername: 'secure.localhost' });
    await once(next, 'secureConnect');
    assert.ok(new X509Certificate(next.getPeerCertificate().raw).checkIssued(new X509Certificate(other.rootPem)));
    next.destroy();
    open.write('GET / HTTP/1.1\r\nHost: secure.localhost\r\nConnection: close\r\n\r\n');
    let text = '';
    open.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    await once(open, 'end');
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.match(text, /tls-app$/);
    book.remove(['secure.localhost']);
    const back = tls.connect({ host: '127.0.0.1', port, ca: testCa.rootPem, servername: 'secure.localhost' });
    await once(back, 'secureConnect');
    back.destroy();
  } finally {
    await ownRouter.close();
  }
});

test('refuses the handshake for a name the local CA may not sign and nobody added', async () => {
  const ownRouter = new Router({ table: router.table, logs: router.logs, logger: pino({ level: 'silent' }) });
  const port = await ownRouter.listenTls(0, '127.0.0.1', book);
  try {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: testCa.rootPem, servername: 'unknown.example.com' });
    await assert.rejects(once(socket, 'secureConnect'));
  } finally {
    await ownRouter.close();
  }
});

test('a client that connects and never finishes its handshake is cut at the head timeout, and does not hold close() up', async () => {
  const ownRouter = new Router({ table: router.table, logs: router.logs, logger: pino({ level: 'silent' }), limits: { headersTimeoutMs: 300 } });
  const port = await ownRouter.listenTls(0, '127.0.0.1', book);
  const silent = net.connect(port, '127.0.0.1');
  silent.on('error', () => {});
  await once(silent, 'close');
  const lingering = net.connect(port, '127.0.0.1');
  lingering.on('error', () => {});
  await once(lingering, 'connect');
  await ownRouter.close();
  if (!lingering.destroyed) await once(lingering, 'close');
});
