import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { makeServerCertificate } from '../../src/addons/server-certificate.js';

test('makes a self-signed server certificate for 127.0.0.1 and localhost that matches its key', async () => {
  const pem = await makeServerCertificate('redis-ab12cd');
  const cert = new X509Certificate(pem.cert);
  assert.equal(cert.subject, 'CN=redis-ab12cd');
  assert.equal(cert.issuer, cert.subject);
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkPrivateKey(createPrivateKey(pem.key)));
  assert.ok(cert.verify(cert.publicKey));
  assert.ok(new Date(cert.validTo).getTime() > Date.now() + 9 * 365 * 24 * 3600 * 1000);
  assert.notEqual((await makeServerCertificate('redis-ab12cd')).cert, pem.cert, 'a new key and serial each time');
});
