/** The certificates table (an app's own and ACME's, keys sealed) and platform_secrets (the local CA, the ACME account). */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';
import { seal, unseal } from './sealing.js';

export interface StoredCertificate {
  id: number;
  appId: number;
  source: 'user' | 'acme';
  /** ACME: the domain it was ordered for; null for a user's certificate. */
  domain: string | null;
  /** PEM chain, leaf first. */
  cert: string;
  /** PEM private key, opened. */
  key: string;
  notBefore: string;
  notAfter: string;
  createdAt: string;
}

interface CertificateRow { id: number; app_id: number; source: 'user' | 'acme'; domain: string | null; cert: string; key: string; not_before: string; not_after: string; created_at: string }

function toCertificate(db: Db, row: CertificateRow): StoredCertificate {
  return {
    id: row.id, appId: row.app_id, source: row.source, domain: row.domain, cert: row.cert, key: unseal(db, row.key),
    notBefore: row.not_before, notAfter: row.not_after, createdAt: row.created_at,
  };
}

export function listCertificates(db: Db, appId?: number): StoredCertificate[] {
  const rows = (appId === undefined
    ? db.prepare('SELECT * FROM certificates ORDER BY id').all()
    : db.prepare('SELECT * FROM certificates WHERE app_id = ? ORDER BY id').all(appId)) as CertificateRow[];
  return rows.map((row) => toCertificate(db, row));
}

export function insertCertificate(db: Db, entry: Omit<StoredCertificate, 'id' | 'createdAt'>): StoredCertificate {
  const info = db.prepare('INSERT INTO certificates (app_id, source, domain, cert, key, not_before, not_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(entry.appId, entry.source, entry.domain, entry.cert, seal(db, entry.key), entry.notBefore, entry.notAfter, now());
  return toCertificate(db, db.prepare('SELECT * FROM certificates WHERE id = ?').get(Number(info.lastInsertRowid)) as CertificateRow);
}

/** An ACME certificate replaces the one before it for the same domain, in one transaction. */
export function replaceAcmeCertificate(db: Db, entry: Omit<StoredCertificate, 'id' | 'createdAt' | 'source'> & { domain: string }): StoredCertificate {
  return db.transaction(() => {
    db.prepare('DELETE FROM certificates WHERE app_id = ? AND source = \'acme\' AND domain = ?').run(entry.appId, entry.domain);
    return insertCertificate(db, { ...entry, source: 'acme' });
  })();
}

export function deleteCertificate(db: Db, appId: number, id: number): void {
  const { changes } = db.prepare('DELETE FROM certificates WHERE app_id = ? AND id = ?').run(appId, id);
  if (changes === 0) throw new TwelveError('CERT_NOT_FOUND', `the app has no certificate ${id}`);
}

/** A platform-wide secret (sealed), or undefined when it was never made. */
export function readPlatformSecret(db: Db, name: string): string | undefined {
  const stored = db.prepare('SELECT value FROM platform_secrets WHERE name = ?').pluck().get(name) as string | undefined;
  return stored === undefined ? undefined : unseal(db, stored);
}

/** Writes a secret once: a second writer (two twelves starting on one store) keeps the first one's. */
export function writePlatformSecretOnce(db: Db, name: string, value: string): string {
  db.prepare('INSERT OR IGNORE INTO platform_secrets (name, value) VALUES (?, ?)').run(name, seal(db, value));
  return readPlatformSecret(db, name)!;
}
