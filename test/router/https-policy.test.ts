import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { LogBus } from '../../src/logs/log-bus.js';
import { RouteTable } from '../../src/router/route-table.js';
import { Router } from '../../src/router/router.js';
import { CertificateBook } from '../../src/certs/certificate-book.js';
import { routerLines, startNamedBackend, waitFor, type TestBackend } from './helpers.js';
import { testCa, TRANSPORTS } from './transport.js';

const [plain, overTls] = TRANSPORTS as [typeof TRANSPORTS[0], typeof TRANSPORTS[0]];
const challenges = new Map<string, string>();
const table = new RouteTable();
const logs = new LogBus();
let router: Router;
let plainPort: number;
let httpsPort: number;
let backend: TestBackend;

before(async () => {
  router = new Router({ table, logs, logger: pino({ level: 'silent' }), challenges });
  plainPort = await router.listen(0, '127.0.0.1');
  httpsPort = await router.listenTls(0, '127.0.0.1', new CertificateBook(testCa, { mayIssue: () => true }));
  backend = await startNamedBackend('app');
  for (const app of ['forced', 'strict', 'open']) table.addBackend(app, { id: app, process: 'web.1', port: backend.port });
  table.setHttpsPolicy('forced', { forceHttps: true, hsts: false });
  table.setHttpsPolicy('strict', { forceHttps: true, hsts: true });
});

after(async () => {
  await router.close();
  await backend.close();
});

test('force-https answers plain requests with a 308 to the same URL on the https port, and serves https', async () => {
  const answer = await plain.get(plainPort, 'forced.localhost:5000', { path: '/a/b?c=1' });
  assert.equal(answer.status, 308);
  assert.equal(answer.headers.location, `https://forced.localhost:${httpsPort}/a/b?c=1`);
  const post = await plain.get(plainPort, 'forced.localhost', { method: 'POST', body: 'x'.repeat(100) });
  assert.equal(post.status, 308);
  assert.equal(post.headers.connection, 'close');
  const secure = await overTls.get(httpsPort, 'forced.localhost');
  assert.equal(secure.status, 200);
  assert.equal(secure.body, 'app');
  assert.equal(secure.headers['strict-transport-security'], undefined);
  const lines = await waitFor(() => routerLines(logs, 'forced').length >= 3 && routerLines(logs, 'forced'), 'three router lines');
  assert.match(lines[0]!, /status=308 .*protocol=http$/);
  assert.match(lines[2]!, /status=200 .*protocol=https$/);
});

test('HSTS rides on https answers only, for an app that turned it on', async () => {
  const secure = await overTls.get(httpsPort, 'strict.localhost');
  assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000');
  const open = await overTls.get(httpsPort, 'open.localhost');
  assert.equal(open.headers['strict-transport-security'], undefined);
  assert.equal((await plain.get(plainPort, 'open.localhost')).status, 200);
});

test('the plain port answers an ACME challenge it holds, whatever the host and force-https; other tokens go to the app', async () => {
  challenges.set('tok-en_1', 'tok-en_1.thumbprint');
  for (const host of ['forced.localhost', 'www.not-routed.test']) {
    const answer = await plain.get(plainPort, host, { path: '/.well-known/acme-challenge/tok-en_1' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'tok-en_1.thumbprint');
  }
  // A token the router does not hold is the app's own to answer, even under force-https.
  assert.equal((await plain.get(plainPort, 'forced.localhost', { path: '/.well-known/acme-challenge/other' })).body, 'app');
  assert.equal((await plain.get(plainPort, 'open.localhost', { path: '/.well-known/acme-challenge/other' })).body, 'app');
  // Over TLS the challenge is not answered: HTTP-01 is a plain-port affair.
  assert.equal((await overTls.get(httpsPort, 'open.localhost', { path: '/.well-known/acme-challenge/tok-en_1' })).body, 'app');
  challenges.delete('tok-en_1');
});
