/**
 * The data dir, before twelve opens anything in it: one `twelve serve` at a time holds it (a lock the
 * kernel drops when that process ends, kill -9 included); only twelve's user may enter it or read its
 * store and keys, whatever an older twelve left; and a store that lost its rows beside apps that still
 * have directories is refused, not taken for a fresh install that would forget them.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TwelveError } from './errors.js';
import type { Paths } from './paths.js';
import { createPrivateFile } from './store/database.js';

export interface DataDirLock {
  release(): void;
}

/** Files only twelve's user may read or write: the store, its WAL and shared memory, the keys, the lock, the disk reserve. */
export function privateFiles(paths: Paths): string[] {
  return [paths.database, `${paths.database}-wal`, `${paths.database}-shm`, paths.apiToken, paths.secretKey, paths.lock, paths.reserve];
}

/**
 * Creates the data dir if need be, takes its lock, and makes it private; returns the lock and the paths
 * whose modes were narrowed (an install made by an older twelve), for the log.
 */
export function openDataDir(paths: Paths): { lock: DataDirLock; narrowed: string[] } {
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  if (statSync(paths.dataDir).mode & 0o1000) {
    throw new TwelveError('INVALID_SETTING', `TWELVE_DATA_DIR=${paths.dataDir} is a shared directory (it has the sticky bit, like /tmp): give twelve a directory of its own, e.g. /var/lib/twelve`);
  }
  const lock = lockDataDir(paths);
  try {
    const narrowed = makePrivate(paths);
    refuseLostStore(paths);
    return { lock, narrowed };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * SQLite's own file lock as the data dir's lock: in EXCLUSIVE locking mode the first write takes an
 * exclusive lock (fcntl) that is held until the connection closes, and the kernel drops it when the
 * process ends however it ends. A second twelve, in this process or another, gets SQLITE_BUSY at once.
 */
export function lockDataDir(paths: Paths): DataDirLock {
  createPrivateFile(paths.lock);
  const db = new Database(paths.lock, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = OFF');
    // The write that takes the lock; what it writes (who holds it) is for a person reading the file later.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, started_at TEXT NOT NULL); DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, started_at) VALUES (?, ?)').run(process.pid, new Date().toISOString());
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new TwelveError('DATA_DIR_IN_USE', `another twelve serve${holderPid(paths)} runs on ${paths.dataDir}: a second one would take over its apps' processes`);
  }
  return { release: () => db.close() };
}

/** The pid the running twelve wrote in its run marker (src/run-marker.ts), while that process lives. */
function holderPid(paths: Paths): string {
  try {
    const pid = Number(readFileSync(paths.runMarker, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? ` (pid ${pid})` : '';
  } catch {
    return ''; // no marker yet: the other twelve is still starting
  }
}

/**
 * The data dir 0700, or 0701 where an addon server running as its own account needs to get through it
 * (addons/service-user.ts adds that search bit, never read); the apps directory 0700; the private files 0600.
 */
function makePrivate(paths: Paths): string[] {
  const narrowed: string[] = [];
  const narrow = (path: string, allowed: number): void => {
    const stats = statSync(path, { throwIfNoEntry: false });
    const mode = stats ? stats.mode & 0o7777 : 0;
    if (!stats || (mode & ~allowed) === 0) return;
    chmodSync(path, mode & allowed);
    narrowed.push(path);
  };
  narrow(paths.dataDir, existsSync(join(paths.dataDir, 'addons')) ? 0o701 : 0o700);
  narrow(paths.appsDir, 0o700);
  for (const file of privateFiles(paths)) narrow(file, 0o600);
  return narrowed;
}

/**
 * A store that is missing, empty or without tables, beside app directories: the apps would be forgotten
 * and their directories taken over by the next app of the same name. A store with tables and no apps
 * is a real state (every app destroyed) and is opened as it is.
 */
function refuseLostStore(paths: Paths): void {
  if (!existsSync(paths.appsDir)) return;
  const apps = readdirSync(paths.appsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (apps.length === 0 || !storeIsBlank(paths.database)) return;
  const named = apps.slice(0, 5).join(', ') + (apps.length > 5 ? ', ...' : '');
  throw new TwelveError('STORE_MISSING', `${paths.database} is ${existsSync(paths.database) ? 'empty' : 'missing'}, but ${paths.appsDir} holds ${apps.length} app director${apps.length === 1 ? 'y' : 'ies'} (${named}): started on it, twelve would forget those apps`);
}

function storeIsBlank(file: string): boolean {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats || stats.size === 0) return true;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() === 0;
  } catch {
    return false; // not a database at all: opening the store says so, with SQLite's own words
  } finally {
    db?.close();
  }
}
