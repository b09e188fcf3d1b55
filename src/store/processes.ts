/**
 * The processes table: the pid of every process the supervisor started, written before it is relied on,
 * so that a twelve that was killed can find and stop the processes of its previous run.
 */
import { type Db, now } from './database.js';

export interface ProcessRecord {
  id: string;
  appId: number;
  releaseVersion: number;
  type: string;
  number: number;
  pid: number | null;
  /** The process's start time in clock ticks (/proc/PID/stat field 22): tells a reused pid from ours. */
  startTicks: string | null;
  port: number | null;
}

interface ProcessRow {
  id: string; app_id: number; release_version: number; type: string; number: number; pid: number | null;
  start_ticks: string | null; port: number | null;
}

export function recordProcess(db: Db, record: ProcessRecord): void {
  db.prepare(`INSERT INTO processes (id, app_id, release_version, type, number, pid, start_ticks, port, updated_at)
    VALUES (@id, @appId, @releaseVersion, @type, @number, @pid, @startTicks, @port, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, start_ticks = excluded.start_ticks, port = excluded.port, updated_at = excluded.updated_at`)
    .run({ ...record, updatedAt: now() });
}

export function forgetProcess(db: Db, id: string): void {
  db.prepare('DELETE FROM processes WHERE id = ?').run(id);
}

export function listProcessRecords(db: Db): ProcessRecord[] {
  return (db.prepare('SELECT * FROM processes').all() as ProcessRow[]).map((row) => ({
    id: row.id, appId: row.app_id, releaseVersion: row.release_version, type: row.type, number: row.number,
    pid: row.pid, startTicks: row.start_ticks, port: row.port,
  }));
}
