/**
 * The durable log: per app, append-only segment files under the data dir. Lines are buffered and
 * written in batches (on a short timer or once a batch is big), so an app's output costs a string push
 * per line, not a write. Old segments go by the app's retention (size and age).
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent, LogQuery } from './log-event.js';
import { readEvents } from './log-reader.js';
import { DEFAULT_RETENTION, type Retention } from './retention.js';
import { encodeLines } from './segment-line.js';
import { listSegments, readLinesBackward, segmentName, type Segment } from './segment-files.js';

export interface LogStoreOptions {
  /** The directory of an app's segments. */
  dirFor(app: string): string;
  retention?(app: string): Retention;
  /** How long a line may wait in memory before it is written (default 200 ms). */
  flushMs?: number;
  /** A batch this big is written at once (default 1 MiB). */
  flushBytes?: number;
  /** Lines that could not be written (a full disk): counted and reported, never dropped silently. */
  onDropped?(app: string, count: number, error: Error): void;
}

interface AppLog {
  dir: string;
  /** The segment being written this run; null until the first batch (each run starts a new one). */
  fd: number | null;
  segments: Segment[];
  pending: string[];
  pendingBytes: number;
  pendingFirstId: number;
}

const RETENTION_CHECK_MS = 60_000;

export class LogStore {
  private readonly apps = new Map<string, AppLog>();
  private timer: NodeJS.Timeout | null = null;
  private readonly retentionTimer: NodeJS.Timeout;
  private readonly flushMs: number;
  private readonly flushBytes: number;

  constructor(private readonly options: LogStoreOptions) {
    this.flushMs = options.flushMs ?? 200;
    this.flushBytes = options.flushBytes ?? 1024 * 1024;
    this.retentionTimer = setInterval(() => { for (const app of this.apps.keys()) this.enforceRetention(app); }, RETENTION_CHECK_MS);
    this.retentionTimer.unref();
  }

  /** One line joins the app's batch. */
  append(app: string, id: number, ms: number, source: string, process: string, text: string): void {
    this.appendLines(app, id, ms, source, process, [text]);
  }

  /** The hot path: consecutive lines of one process (ids firstId, firstId + 1, ...) join the app's batch as one string. */
  appendLines(app: string, firstId: number, ms: number, source: string, process: string, texts: readonly string[]): void {
    const log = this.apps.get(app) ?? this.open(app);
    if (log.pending.length === 0) log.pendingFirstId = firstId;
    const chunk = encodeLines(firstId, ms, source, process, texts);
    log.pending.push(chunk);
    log.pendingBytes += chunk.length;
    if (log.pendingBytes >= this.flushBytes) this.write(app, log);
    else if (this.timer === null) {
      this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes every waiting batch now (before a read, and at shutdown). */
  flush(app?: string): void {
    if (app !== undefined) {
      const log = this.apps.get(app);
      if (log) this.write(app, log);
      return;
    }
    for (const [name, log] of this.apps) this.write(name, log);
  }

  /** Events of the app from disk and the waiting batch, oldest first. */
  read(app: string, query: LogQuery = {}): LogEvent[] {
    this.flush(app);
    const log = this.apps.get(app);
    return readEvents(app, log ? log.segments : listSegments(this.options.dirFor(app)), query);
  }

  /** The highest id on disk for these apps (0 if none): ids of a new run start above it. */
  lastId(apps: string[]): number {
    let last = 0;
    for (const app of apps) {
      const segments = listSegments(this.options.dirFor(app));
      for (let i = segments.length - 1; i >= 0; i -= 1) {
        let found = 0;
        readLinesBackward(segments[i]!.path, (line) => {
          found = Number(line.slice(0, line.indexOf(' '))) || 0;
          return found === 0;
        });
        if (found > 0) {
          last = Math.max(last, found);
          break;
        }
      }
    }
    return last;
  }

  /** Bytes on disk for the app. */
  size(app: string): number {
    this.flush(app);
    const log = this.apps.get(app);
    return (log ? log.segments : listSegments(this.options.dirFor(app))).reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Deletes segments beyond the app's size or older than its age. */
  enforceRetention(app: string): void {
    const log = this.apps.get(app);
    if (!log) return;
    const { maxBytes, maxAgeMs } = this.options.retention?.(app) ?? DEFAULT_RETENTION;
    let total = log.segments.reduce((sum, s) => sum + s.bytes, 0);
    const oldest = Date.now() - maxAgeMs;
    while (log.segments.length > 0) {
      const first = log.segments[0]!;
      const active = log.segments.length === 1 && log.fd !== null;
      const tooBig = total > maxBytes && !active;
      if (!tooBig && !(mtimeMs(first.path) < oldest)) break;
      if (active) {
        closeSync(log.fd!);
        log.fd = null;
      }
      try { unlinkSync(first.path); } catch { /* already gone */ }
      total -= first.bytes;
      log.segments.shift();
    }
  }

  /** Removes the app's log for good (the app is destroyed). */
  remove(app: string): void {
    const log = this.apps.get(app);
    if (log?.fd != null) closeSync(log.fd);
    this.apps.delete(app);
    rmSync(this.options.dirFor(app), { recursive: true, force: true });
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.retentionTimer);
    for (const log of this.apps.values()) if (log.fd !== null) closeSync(log.fd);
    this.apps.clear();
  }

  private open(app: string): AppLog {
    const dir = this.options.dirFor(app);
    const log: AppLog = { dir, fd: null, segments: listSegments(dir), pending: [], pendingBytes: 0, pendingFirstId: 0 };
    this.apps.set(app, log);
    return log;
  }

  private segmentLimit(app: string): number {
    const { maxBytes } = this.options.retention?.(app) ?? DEFAULT_RETENTION;
    // About eight segments per app, so retention frees space in steps of an eighth.
    return Math.min(16 * 1024 * 1024, Math.max(64 * 1024, Math.floor(maxBytes / 8)));
  }

  private write(app: string, log: AppLog): void {
    if (log.pending.length === 0) return;
    const data = log.pending.join('');
    const count = log.pending.length;
    log.pending = [];
    log.pendingBytes = 0;
    try {
      let current = log.segments.at(-1);
      if (log.fd === null || !current || current.bytes >= this.segmentLimit(app)) {
        if (log.fd !== null) closeSync(log.fd);
        mkdirSync(log.dir, { recursive: true });
        current = { path: join(log.dir, segmentName(log.pendingFirstId)), firstId: log.pendingFirstId, bytes: 0 };
        log.fd = openSync(current.path, 'a');
        log.segments.push(current);
        this.enforceRetention(app);
      }
      current.bytes += writeSync(log.fd!, data);
    } catch (error) {
      this.options.onDropped?.(app, count, error as Error);
    }
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
