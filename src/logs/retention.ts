/** How long and how much of an app's log is kept: defaults, and the per-app setting in the store. */
import type { Db } from '../store/database.js';

export interface Retention {
  maxBytes: number;
  maxAgeMs: number;
}

/** 100 MiB or 7 days per app, whichever is reached first (docs/logs.md). */
export const DEFAULT_RETENTION: Retention = { maxBytes: 100 * 1024 * 1024, maxAgeMs: 7 * 86_400_000 };

/** The smallest size and age accepted: below them a busy app would lose its log within seconds. */
export const MIN_RETENTION: Retention = { maxBytes: 1024 * 1024, maxAgeMs: 60_000 };

interface Row { max_bytes: number | null; max_age_ms: number | null }

export function getRetention(db: Db, app: string): Retention {
  const row = db.prepare(`SELECT s.max_bytes, s.max_age_ms FROM log_settings s JOIN apps a ON a.id = s.app_id WHERE a.name = ?`)
    .get(app) as Row | undefined;
  return { maxBytes: row?.max_bytes ?? DEFAULT_RETENTION.maxBytes, maxAgeMs: row?.max_age_ms ?? DEFAULT_RETENTION.maxAgeMs };
}

/** A setting per app: a value, `null` for the default again, or left out (undefined) to keep what it is. */
export type RetentionChange = { [K in keyof Retention]?: number | null };

export function setRetention(db: Db, appId: number, change: RetentionChange): void {
  db.prepare(`INSERT INTO log_settings (app_id, max_bytes, max_age_ms) VALUES (@appId, @maxBytes, @maxAgeMs)
    ON CONFLICT (app_id) DO UPDATE SET
      max_bytes = CASE WHEN @keepBytes THEN max_bytes ELSE @maxBytes END,
      max_age_ms = CASE WHEN @keepAge THEN max_age_ms ELSE @maxAgeMs END`)
    .run({
      appId, maxBytes: change.maxBytes ?? null, maxAgeMs: change.maxAgeMs ?? null,
      keepBytes: change.maxBytes === undefined ? 1 : 0, keepAge: change.maxAgeMs === undefined ? 1 : 0,
    });
}
