/** `certs:auto:enable` through the CLI and a real `twelve serve`, against pebble (test/certs/pebble.ts). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CertificateList } from '../../src/certs/certificates.js';
import { havePebble, startPebble, type Pebble } from '../certs/pebble.js';
import { closedPort } from '../router/helpers.js';
import { copyFixture, TestPlatform, waitFor } from './harness.js';

const skip = havePebble() ? false : 'pebble and pebble-challtestsrv are not installed (apt-get install pebble)';
let platform: TestPlatform;
let pebble: Pebble;

before(async () => {
  if (skip) return;
  // Pebble must know the router's plain port before twelve starts, and twelve must trust pebble's API.
  const routerPort = await closedPort();
  pebble = await startPebble(routerPort);
  const caFile = join(copyFixture('no-stack'), 'pebble-api.pem');
  writeFileSync(caFile, pebble.apiCa);
  platform = new TestPlatform({ TWELVE_ACME_DIRECTORY: pebble.directoryUrl, NODE_EXTRA_CA_CERTS: caFile });
  platform.routerPort = routerPort;
  await platform.start();
});

after(async () => {
  if (skip) return;
  await platform.dispose();
  pebble.stop();
});

test('certs:auto:enable gets each custom domain a certificate that a client trusting pebble\'s root accepts', { skip }, async () => {
  await platform.ok('apps:create', 'shop');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'shop');
  await platform.ok('domains:add', 'www.shop.test', '-a', 'shop');
  await platform.ok('certs:auto:enable', '-a', 'shop');
  const issued = await waitFor('the certificate', async () => {
    const list = await platform.json<CertificateList>('certs', '-a', 'shop');
    const domain = list.domains.find((entry) => entry.hostname === 'www.shop.test');
    return domain?.acme?.status === 'issued' && list;
  }, 60_000, 250);
  assert.equal(issued.auto, true);
  assert.equal(issued.certificates[0]?.source, 'acme');
  assert.match((await platform.ok('certs', '-a', 'shop')).stdout, /www\.shop\.test  certificate \d+ \(acme\)  ACME: issued/);

  const root = await pebble.issuingRoot();
  const body = await new Promise<string>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: platform.httpsPort, servername: 'www.shop.test', ca: root, agent: false, headers: { host: 'www.shop.test' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.match(body, /^ok /);
});
