/**
 * Automatic certificates against a real ACME server (pebble): the router answers HTTP-01 on its plain
 * port, the certificate serves the domain over https, renewal comes when the clock reaches the last third
 * of its lifetime, and a failing challenge shows as failing while the old certificate keeps serving.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import acme from 'acme-client';
import pino from 'pino';
import { AcmeRenewer } from '../../src/certs/acme-renewer.js';
import { Certificates } from '../../src/certs/certificates.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { RouteTable } from '../../src/router/route-table.js';
import { Router } from '../../src/router/router.js';
import { insertApp } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/database.js';
import { insertDomain, listDomains } from '../../src/store/domains.js';
import { startNamedBackend, type TestBackend } from '../router/helpers.js';
import { havePebble, startPebble, type Pebble } from './pebble.js';

const skip = havePebble() ? false : 'pebble and pebble-challtestsrv are not installed (apt-get install pebble)';
const db = openDatabase(':memory:');
const table = new RouteTable();
const challenges = new Map<string, string>();
const logger = pino({ level: 'silent' });
let router: Router;
let httpsPort: number;
let backend: TestBackend;
let pebble: Pebble;
let certs: Certificates;
let renewer: AcmeRenewer;
let clock = Date.now();

before(async () => {
  if (skip) return;
  const app = insertApp(db, 'shop');
  insertDomain(db, app.id, 'www.shop.test');
  table.setApp('shop', listDomains(db, app.id).map((domain) => domain.hostname));
  backend = await startNamedBackend('shop');
  table.addBackend('shop', { id: 'w1', process: 'web.1', port: backend.port });
  router = new Router({ table, logs: new LogBus(), logger, challenges });
  const plainPort = await router.listen(0, '127.0.0.1');
  certs = new Certificates(db, table, logger);
  httpsPort = await router.listenTls(0, '127.0.0.1', certs.book);
  pebble = await startPebble(plainPort);
  // acme-client talks to pebble's API over TLS signed by the test CA (twelve serve: NODE_EXTRA_CA_CERTS).
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: pebble.apiCa });
  renewer = new AcmeRenewer({ db, certs, challenges, directoryUrl: pebble.directoryUrl, logger, now: () => clock });
});

after(async () => {
  if (skip) return;
  await renewer.stop();
  pebble.stop();
  await router.close();
  await backend.close();
});

/** The app over https with SNI `host`, trusting pebble's issuing root only; the certificate served too. */
function httpsGet(host: string, ca: string): Promise<{ body: string; cert: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: httpsPort, servername: host, ca, agent: false, headers: { host } }, (res) => {
      const cert = new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw);
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ body, cert }));
    });
    req.on('error', reject);
    req.end();
  });
}

function acmeState(hostname: string) {
  return certs.list('shop').domains.find((domain) => domain.hostname === hostname);
}

let first: X509Certificate;

test('certs:auto:enable gets a certificate for each custom domain over HTTP-01 answered by the router', { skip }, async () => {
  renewer.enable('shop');
  assert.equal(acmeState('www.shop.test')?.acme?.status, 'pending');
  await renewer.pass();
  const state = acmeState('www.shop.test');
  assert.deepEqual(state?.acme, { status: 'issued' });
  assert.equal(state?.servedBy, 'acme');
  // NAME.localhost is no ACME domain: the local CA keeps it.
  assert.equal(acmeState('shop.localhost')?.servedBy, 'local-ca');
  assert.equal(acmeState('shop.localhost')?.acme, undefined);
  const answer = await httpsGet('www.shop.test', await pebble.issuingRoot());
  assert.equal(answer.body, 'shop');
  assert.equal(answer.cert.checkHost('www.shop.test'), 'www.shop.test');
  first = answer.cert;
  assert.equal(challenges.size, 0, 'the challenge is taken back once the order is done');
});

test('renews when a third of the lifetime is left, and the new certificate serves the next handshake', { skip }, async () => {
  await renewer.pass();
  assert.equal((await httpsGet('www.shop.test', await pebble.issuingRoot())).cert.fingerprint256, first.fingerprint256, 'not due yet: no new order');
  const from = Date.parse(first.validFrom);
  const to = Date.parse(first.validTo);
  clock = to - (to - from) / 3 + 60_000;
  await renewer.pass();
  const renewed = (await httpsGet('www.shop.test', await pebble.issuingRoot())).cert;
  assert.notEqual(renewed.fingerprint256, first.fingerprint256);
  assert.deepEqual(acmeState('www.shop.test')?.acme, { status: 'issued' });
  first = renewed;
});

test('a failing challenge shows as failing with the reason, and the old certificate keeps serving', { skip }, async () => {
  // Nothing listens on 127.0.0.2: pebble cannot fetch the challenge.
  await pebble.resolve('www.shop.test', '127.0.0.2');
  // A CA may skip the challenge for an account it validated lately: pebble does 1 time in 100 even with
  // PEBBLE_AUTHZREUSE=0 (it reuses when rand.Intn(100) > 0 is false). A new account is always challenged.
  await renewer.stop();
  db.prepare('DELETE FROM platform_secrets WHERE name = ?').run(`acme-account ${pebble.directoryUrl}`);
  renewer = new AcmeRenewer({ db, certs, challenges, directoryUrl: pebble.directoryUrl, logger, now: () => clock });
  const to = Date.parse(first.validTo);
  clock = to - 60 * 60 * 1000;
  await renewer.pass();
  const state = acmeState('www.shop.test');
  assert.equal(state?.acme?.status, 'failing');
  assert.match(state?.acme?.error ?? '', /127\.0\.0\.2|connection refused|connect/i);
  assert.equal(state?.servedBy, 'acme');
  assert.equal((await httpsGet('www.shop.test', await pebble.issuingRoot())).cert.fingerprint256, first.fingerprint256);
  await pebble.resolve('www.shop.test', '127.0.0.1');
});
