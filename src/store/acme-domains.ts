/** acme_domains: where ACME got to for each domain of an app with automatic certificates (`certs:auto:enable`). */
import { type Db, now } from './database.js';

export type AcmeStatus = 'pending' | 'issued' | 'failing';

export interface AcmeDomainState { hostname: string; status: AcmeStatus; error: string | null; updatedAt: string }

/** The switch is kept beside the features (app_features), under a name `features` does not list. */
const AUTO = 'automatic-certificates';

export function setAutoCertificates(db: Db, appId: number, enabled: boolean): void {
  if (enabled) db.prepare('INSERT OR IGNORE INTO app_features (app_id, name) VALUES (?, ?)').run(appId, AUTO);
  else db.transaction(() => {
    db.prepare('DELETE FROM app_features WHERE app_id = ? AND name = ?').run(appId, AUTO);
    db.prepare('DELETE FROM acme_domains WHERE app_id = ?').run(appId);
  })();
}

export function autoCertificatesOn(db: Db, appId: number): boolean {
  return db.prepare('SELECT 1 FROM app_features WHERE app_id = ? AND name = ?').get(appId, AUTO) !== undefined;
}

export function appsWithAutoCertificates(db: Db): number[] {
  return db.prepare('SELECT app_id FROM app_features WHERE name = ?').pluck().all(AUTO) as number[];
}

export function listAcmeStates(db: Db, appId: number): AcmeDomainState[] {
  return db.prepare('SELECT hostname, status, error, updated_at AS updatedAt FROM acme_domains WHERE app_id = ? ORDER BY hostname').all(appId) as AcmeDomainState[];
}

export function setAcmeState(db: Db, appId: number, hostname: string, status: AcmeStatus, error: string | null = null): void {
  db.prepare(`INSERT INTO acme_domains (app_id, hostname, status, error, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (app_id, hostname) DO UPDATE SET status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`)
    .run(appId, hostname, status, error, now());
}
