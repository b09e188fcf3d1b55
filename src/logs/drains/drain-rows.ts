/** The drains table: which URLs each app's stream goes to. */
import { randomUUID } from 'node:crypto';
import { TwelveError } from '../../errors.js';
import { displayUrl, normalizeDrainUrl, normalizedOrNull } from './drain-url.js';
import { type Db, now } from '../../store/database.js';
import { seal, unseal } from '../../store/sealing.js';

export interface DrainRow {
  id: string;
  appId: number;
  app: string;
  /**
   * Normalized (drain-url.ts), even for rows stored as typed before twelve normalized them. Sealed at
   * rest like config values (store/sealing.ts): it may hold a password.
   */
  url: string;
  /** Sent to HTTPS drains as Logplex-Drain-Token, so a receiver can tell drains apart. */
  token: string;
  createdAt: string;
  /** The id of the last event the drain delivered (or began at); a restart resumes after it. */
  sentThrough: number;
}

interface Row { id: string; app_id: number; app: string; url: string; token: string; created_at: string; sent_through: number }

const SELECT = 'SELECT d.id, d.app_id, a.name AS app, d.url, d.token, d.created_at, d.sent_through FROM drains d JOIN apps a ON a.id = d.app_id';

function toDrain(db: Db, row: Row): DrainRow {
  const url = unseal(db, row.url);
  return { id: row.id, appId: row.app_id, app: row.app, url: normalizedOrNull(url) ?? url, token: row.token, createdAt: row.created_at, sentThrough: row.sent_through };
}

/**
 * A new drain, starting after event `sentThrough` (the app's last event now: a drain gets what comes
 * next). Stored normalized; one the app has already, in any spelling, is refused, as the receiver would
 * get every line twice.
 */
export function insertDrain(db: Db, appId: number, typed: string, sentThrough: number): DrainRow {
  const url = normalizeDrainUrl(typed);
  // Sealed URLs differ every time, so the table's UNIQUE (app_id, url) cannot see a duplicate: this
  // check, with no await between it and the insert, is what refuses one.
  if (listDrains(db, appId).some((drain) => drain.url === url)) throw drainExists(url);
  const id = randomUUID();
  db.prepare('INSERT INTO drains (id, app_id, url, token, created_at, sent_through) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, appId, seal(db, url), `d.${randomUUID()}`, now(), sentThrough);
  return toDrain(db, db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row);
}

export function listDrains(db: Db, appId?: number): DrainRow[] {
  const rows = appId === undefined
    ? db.prepare(`${SELECT} ORDER BY d.created_at`).all() as Row[]
    : db.prepare(`${SELECT} WHERE d.app_id = ? ORDER BY d.created_at`).all(appId) as Row[];
  return rows.map((row) => toDrain(db, row));
}

/** Records how far drains got: id to the last event each delivered. */
export function saveSentThrough(db: Db, progress: ReadonlyMap<string, number>): void {
  const update = db.prepare('UPDATE drains SET sent_through = ? WHERE id = ? AND sent_through < ?');
  db.transaction(() => { for (const [id, sentThrough] of progress) update.run(sentThrough, id, sentThrough); })();
}

export function deleteDrain(db: Db, id: string): void {
  db.prepare('DELETE FROM drains WHERE id = ?').run(id);
}

function drainExists(url: string): TwelveError {
  return new TwelveError('DRAIN_EXISTS', `the app already drains to ${displayUrl(url)}`);
}
