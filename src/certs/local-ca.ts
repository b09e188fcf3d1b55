/**
 * twelve's own certificate authority: made once, it signs a certificate for any name the router has no
 * other certificate for (`NAME.localhost` first of all), so https works on one machine as soon as a
 * developer trusts its root (`twelve certs:ca`). The X.509 work is @peculiar/x509's over Node's webcrypto,
 * loaded with the first certificate signed, not with twelve (about 18 MB of resident memory, docs/memory.md).
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { createPrivateKey, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

const require = createRequire(import.meta.url);
let loaded: typeof X509 | null = null;

function x509Library(): typeof X509 {
  if (!loaded) {
    loaded = require('@peculiar/x509') as typeof X509;
    loaded.cryptoProvider.set(webcrypto as unknown as Parameters<typeof X509.cryptoProvider.set>[0]);
  }
  return loaded;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** The root lasts ten years; what it signs lasts 90 days (and is re-signed well before the end). */
const ROOT_DAYS = 3650;
export const LEAF_DAYS = 90;

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface PemPair {
  cert: string;
  key: string;
}

export class LocalCa {
  private root: X509.X509Certificate | null = null;

  private constructor(readonly rootPem: string, private readonly signingKey: webcrypto.CryptoKey, readonly rootKeyPem: string) {}

  /** A new authority with a fresh key: done once per data dir. */
  static async create(now = new Date()): Promise<LocalCa> {
    const x509 = x509Library();
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=twelve local CA, O=twelve',
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + ROOT_DAYS * DAY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new LocalCa(root.toString('pem'), keys.privateKey, await exportKeyPem(keys.privateKey));
  }

  /** The authority kept from an earlier run. */
  static async load(pair: PemPair): Promise<LocalCa> {
    const der = createPrivateKey(pair.key).export({ type: 'pkcs8', format: 'der' });
    const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
    return new LocalCa(pair.cert.trim(), key as webcrypto.CryptoKey, pair.key);
  }

  /** A certificate for `names` (DNS names or IP addresses), with a key of its own; the chain ends with the root. */
  async issue(names: string[], now = new Date()): Promise<PemPair> {
    const x509 = x509Library();
    this.root ??= new x509.X509Certificate(this.rootPem);
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${names[0]}`,
      issuer: this.root.subject,
      notBefore: new Date(now.getTime() - 60 * 60 * 1000),
      notAfter: new Date(now.getTime() + LEAF_DAYS * DAY_MS),
      signingKey: this.signingKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: isIP(name) ? 'ip' as const : 'dns' as const, value: name }))),
        await x509.AuthorityKeyIdentifierExtension.create(this.root),
      ],
    });
    return { cert: `${leaf.toString('pem')}\n${this.rootPem}\n`, key: await exportKeyPem(keys.privateKey) };
  }
}

/** A positive random serial of 16 bytes (RFC 5280 allows up to 20). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f | 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}
