/** acme_domains: where ACME got to for each domain of an app with automatic certificates (`certs:auto:enable`). */
import { type Db, now } from './database.js';
import { appsWithFeature, enabledFeatures, setFeature } from './features.js';

export type AcmeStatus = 'pending' | 'issued' | 'failing';

export interface AcmeDomainState { hostname: string; status: AcmeStatus; error: string | null; updatedAt: string }

/** The switch is kept beside the features (app_features), under a name `features` does not list. */
const AUTO = 'automatic-certificates';

export function setAutoCertificates(db: Db, appId: number, enabled: boolean): void {
  db.transaction(() => {
    setFeature(db, appId, AUTO, enabled);
    if (!enabled) db.prepare('DELETE FROM acme_domains WHERE app_id = ?').run(appId);
  })();
}

export function autoCertificatesOn(db: Db, appId: number): boolean {
  return enabledFeatures(db, appId).has(AUTO);
}

export function appsWithAutoCertificates(db: Db): number[] {
  return appsWithFeature(db, AUTO).map((app) => app.id);
}

export function listAcmeStates(db: Db, appId: number): AcmeDomainState[] {
  return db.prepare('SELECT hostname, status, error, updated_at AS updatedAt FROM acme_domains WHERE app_id = ? ORDER BY hostname').all(appId) as AcmeDomainState[];
}

export function setAcmeState(db: Db, appId: number, hostname: string, status: AcmeStatus, error: string | null = null): void {
  db.prepare(`INSERT INTO acme_domains (app_id, hostname, status, error, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (app_id, hostname) DO UPDATE SET status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`)
    .run(appId, hostname, status, error, now());
}
