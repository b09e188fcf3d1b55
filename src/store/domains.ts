/** The domains table: extra host names that route to an app besides NAME.localhost. */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';

export interface Domain { hostname: string; appId: number; createdAt: string }

export function listDomains(db: Db, appId: number): Domain[] {
  return (db.prepare('SELECT hostname, app_id AS appId, created_at AS createdAt FROM domains WHERE app_id = ? ORDER BY hostname').all(appId)) as Domain[];
}

export function insertDomain(db: Db, appId: number, hostname: string): Domain {
  const owner = db.prepare('SELECT apps.name FROM domains JOIN apps ON apps.id = domains.app_id WHERE hostname = ?').pluck().get(hostname) as string | undefined;
  if (owner !== undefined) throw new TwelveError('DOMAIN_TAKEN', `${hostname} already routes to ${owner}`);
  db.prepare('INSERT INTO domains (hostname, app_id, created_at) VALUES (?, ?, ?)').run(hostname, appId, now());
  return { hostname, appId, createdAt: now() };
}

export function deleteDomain(db: Db, appId: number, hostname: string): void {
  const { changes } = db.prepare('DELETE FROM domains WHERE app_id = ? AND hostname = ?').run(appId, hostname);
  if (changes === 0) throw new TwelveError('DOMAIN_NOT_FOUND', `${hostname} is not a domain of this app`);
}
