/**
 * A self-signed TLS certificate for one addon server, made with @peculiar/x509 over Node's webcrypto,
 * as Heroku's own Postgres and Redis certificates are: clients encrypt (`sslmode=require`,
 * `rejectUnauthorized: false`) without a CA to trust. A client that wants to verify can trust the
 * certificate file itself, since it names 127.0.0.1 and localhost. @peculiar/x509 is loaded with the
 * first certificate made, not with twelve (about 18 MB of resident memory, docs/memory.md).
 */
import { webcrypto } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import { chownToUser, type ServiceUser } from './service-user.js';

const require = createRequire(import.meta.url);

function x509Library(): typeof X509 {
  const x509 = require('@peculiar/x509') as typeof X509;
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof X509.cryptoProvider.set>[0]);
  return x509;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const VALID_YEARS = 10;

export interface CertificatePem { cert: string; key: string }

/** A new key pair and a certificate for `commonName`, valid for 127.0.0.1 and localhost. */
export async function makeServerCertificate(commonName: string): Promise<CertificatePem> {
  const x509 = x509Library();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + VALID_YEARS * 365 * 24 * 3600 * 1000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export interface CertificateFiles { certFile: string; keyFile: string }

/**
 * `server.crt` and `server.key` in `dir`, made once and kept (clients that pinned the certificate keep
 * working across restarts). The key is 0600 and owned by the server's user, as PostgreSQL demands.
 */
export async function ensureServerCertificate(dir: string, commonName: string, user: ServiceUser): Promise<CertificateFiles> {
  const files = { certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
  if (existsSync(files.certFile) && existsSync(files.keyFile)) return files;
  const pem = await makeServerCertificate(commonName);
  writeFileSync(files.keyFile, pem.key, { mode: 0o600 });
  chownToUser(user, files.keyFile);
  writeFileSync(files.certFile, pem.cert, { mode: 0o644 });
  chownToUser(user, files.certFile);
  return files;
}
