import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acmeCanIssue, renewalDue } from '../../src/certs/acme-renewer.js';
import { CertificateBook } from '../../src/certs/certificate-book.js';
import { checkCertificate, domainsCovered, leafOf } from '../../src/certs/certificate-check.js';
import { LocalCa } from '../../src/certs/local-ca.js';
import { isTwelveError } from '../../src/errors.js';
import { challengeToken, httpsLocation } from '../../src/router/https-policy.js';

const ca = await LocalCa.create();

test('a certificate covers the app domains its names match, wildcards one label deep', async () => {
  const pair = await ca.issue(['*.example.com', 'example.com']);
  const leaf = leafOf(pair.cert);
  assert.deepEqual(domainsCovered(leaf, ['example.com', 'www.example.com', 'a.b.example.com', 'example.org']), ['example.com', 'www.example.com']);
  const checked = checkCertificate(pair.cert, pair.key, ['shop.localhost', 'www.example.com']);
  assert.deepEqual(checked.covers, ['www.example.com']);
  assert.match(checked.cert, /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----/);
});

test('checkCertificate names what is wrong with a catalogue code', async () => {
  const pair = await ca.issue(['www.example.com']);
  const other = await ca.issue(['www.example.com']);
  const codeOf = (work: () => unknown) => {
    try {
      work();
      return 'accepted';
    } catch (error) {
      return isTwelveError(error) ? error.code : String(error);
    }
  };
  assert.equal(codeOf(() => checkCertificate(pair.cert, other.key, ['www.example.com'])), 'CERT_KEY_MISMATCH');
  assert.equal(codeOf(() => checkCertificate(pair.cert, 'not a key', ['www.example.com'])), 'CERT_INVALID');
  assert.equal(codeOf(() => checkCertificate(pair.cert, pair.key, ['www.example.org'])), 'CERT_NO_DOMAIN');
  assert.equal(codeOf(() => checkCertificate(pair.cert, pair.key, ['www.example.com'], new Date(Date.now() + 400 * 86_400_000))), 'CERT_EXPIRED');
  assert.equal(codeOf(() => checkCertificate(pair.cert, pair.key, ['www.example.com'], new Date(Date.now() - 86_400_000))), 'CERT_NOT_YET_VALID');
  assert.equal(codeOf(() => checkCertificate(pair.cert, pair.key, ['www.example.com'])), 'accepted');
});

test('renewal is due with a third of the lifetime left; ACME orders only names it can validate', () => {
  const from = '2026-01-01T00:00:00Z';
  const to = '2026-04-01T00:00:00Z';
  const third = (Date.parse(to) - Date.parse(from)) / 3;
  assert.equal(renewalDue(from, to, Date.parse(to) - third - 1000), false);
  assert.equal(renewalDue(from, to, Date.parse(to) - third + 1000), true);
  assert.deepEqual(['www.example.com', 'shop.localhost', 'localhost', 'intranet'].filter(acmeCanIssue), ['www.example.com']);
});

test('the book serves an added certificate by exact name or wildcard, and signs only for the names it may', async () => {
  const book = new CertificateBook(ca, { mayIssue: (name) => name.endsWith('.localhost') });
  const wildcard = await (await LocalCa.create()).issue(['*.example.com']);
  book.put(['*.example.com'], wildcard);
  assert.ok(await book.contextFor('www.example.com'));
  assert.ok(await book.contextFor('a.localhost'));
  assert.equal(await book.contextFor('www.example.org'), undefined);
  // Two handshakes at once for a new name: one signing.
  const [a, b] = await Promise.all([book.contextFor('b.localhost'), book.contextFor('b.localhost')]);
  assert.equal(a, b);
});

test('challenge tokens and redirect locations', () => {
  assert.equal(challengeToken('/.well-known/acme-challenge/abc_DEF-1'), 'abc_DEF-1');
  assert.equal(challengeToken('/.well-known/acme-challenge/../x'), undefined);
  assert.equal(challengeToken('/other'), undefined);
  assert.equal(httpsLocation('Shop.Example.com:80', '/a?b=1', 443), 'https://shop.example.com/a?b=1');
  assert.equal(httpsLocation('shop.localhost:5000', '/', 5443), 'https://shop.localhost:5443/');
});
