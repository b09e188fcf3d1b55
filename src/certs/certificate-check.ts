/**
 * What a certificate a user adds must be: a PEM chain whose leaf matches the key, is valid now, and
 * names at least one of the app's domains. Node's own X509Certificate reads and checks it.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import { errorText, TwelveError } from '../errors.js';

export interface CheckedCertificate {
  /** The chain as given, normalized to PEM blocks, leaf first. */
  cert: string;
  key: string;
  notBefore: string;
  notAfter: string;
  /** The app's domains the leaf covers (exact or by a wildcard). */
  covers: string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The leaf (first certificate) of a PEM chain. */
export function leafOf(chain: string): X509Certificate {
  const blocks = chain.match(PEM_CERTIFICATE);
  if (!blocks) throw new TwelveError('CERT_INVALID', 'the certificate file holds no PEM certificate');
  try {
    return new X509Certificate(blocks[0]!);
  } catch (error) {
    throw new TwelveError('CERT_INVALID', `the certificate does not parse: ${errorText(error)}`);
  }
}

/** The app's domains a certificate serves. */
export function domainsCovered(leaf: X509Certificate, domains: readonly string[]): string[] {
  return domains.filter((domain) => leaf.checkHost(domain, { subject: 'default' }) !== undefined);
}

export function checkCertificate(chain: string, keyPem: string, domains: readonly string[], now = new Date()): CheckedCertificate {
  const leaf = leafOf(chain);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new TwelveError('CERT_INVALID', `the key does not parse as a PEM private key: ${errorText(error)}`);
  }
  if (!leaf.checkPrivateKey(key)) throw new TwelveError('CERT_KEY_MISMATCH', `the key does not belong to the certificate for ${leaf.subject.replace(/\n/g, ', ')}`);
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (notAfter <= now) throw new TwelveError('CERT_EXPIRED', `the certificate expired on ${notAfter.toISOString()}`, { notAfter: notAfter.toISOString() });
  if (notBefore > now) throw new TwelveError('CERT_NOT_YET_VALID', `the certificate is valid only from ${notBefore.toISOString()}`, { notBefore: notBefore.toISOString() });
  const covers = domainsCovered(leaf, domains);
  if (covers.length === 0) {
    throw new TwelveError('CERT_NO_DOMAIN', `the certificate names ${leaf.subjectAltName ?? leaf.subject}, none of the app's domains (${domains.join(', ')})`);
  }
  const cert = `${chain.match(PEM_CERTIFICATE)!.join('\n')}\n`;
  try {
    tls.createSecureContext({ cert, key: keyPem });
  } catch (error) {
    throw new TwelveError('CERT_INVALID', `the certificate and key do not load for TLS: ${errorText(error)}`);
  }
  return { cert, key: keyPem, notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), covers };
}
