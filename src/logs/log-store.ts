/**
 * The durable log: per app, append-only segment files under the data dir, one record per batch of
 * lines (segment-records.ts). Small batches wait a moment and go out together in one write; a big one
 * (a pipe read of a busy process) goes at once. Old segments go by the app's retention (size and age).
 */
import { closeSync, mkdirSync, openSync, rmSync, unlinkSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent, LogQuery } from './log-event.js';
import { lastIdIn, readBatchesAfter, readEvents, type BatchPage, type ReadCursor } from './log-reader.js';
import { WrittenPages } from './page-cache.js';
import { DEFAULT_RETENTION, type Retention } from './retention.js';
import { isGone, listSegments, modifiedMs, segmentName, type Segment } from './segment-files.js';
import { trimSegmentFront } from './segment-trim.js';
import { encodeHeader } from './segment-records.js';

export interface LogStoreOptions {
  /** The directory of an app's segments. */
  dirFor(app: string): string;
  retention?(app: string): Retention;
  /** How long a line may wait in memory before it is written (default 200 ms). */
  flushMs?: number;
  /** A batch this big is written at once (default 16 KiB). */
  flushBytes?: number;
  /** Lines that could not be written (a full disk): counted and reported, never dropped silently. */
  onDropped?(app: string, count: number, error: Error): void;
  /** A segment could not be cut down to the app's size (a full disk): it is kept whole, over the size. */
  onRetentionFailed?(app: string, error: Error): void;
  /**
   * The app's log dir or a segment is there but cannot be read (EACCES, EIO): its lines are left out of
   * what is read, and this says why, rather than showing an empty log.
   */
  onUnreadable?(app: string, error: Error): void;
}

interface AppLog {
  dir: string;
  /** The segment being written this run; null until the first batch (each run starts a new one). */
  fd: number | null;
  /** Its pages, dropped from the page cache a few megabytes behind the writes (page-cache.ts). */
  pages: WrittenPages | null;
  segments: Segment[];
  /** Headers and line bytes waiting for the next write, in order. */
  pending: Buffer[];
  pendingBytes: number;
  pendingLines: number;
  pendingFirstId: number;
  /** The app's retention as last read: asking the database on every write cost a tenth of the hot path. */
  retention: Retention | null;
  /** A segment found to have no front to cut (its first record is more than the excess): not read again for it. */
  uncuttable: string | null;
}

const RETENTION_CHECK_MS = 60_000;
/** Fewer buffers than the system's limit on one writev (IOV_MAX, 1024 on Linux). */
const MAX_IOVECS = 1000;

export class LogStore {
  private readonly apps = new Map<string, AppLog>();
  private timer: NodeJS.Timeout | null = null;
  private readonly retentionTimer: NodeJS.Timeout;
  private readonly flushMs: number;
  private readonly flushBytes: number;

  constructor(private readonly options: LogStoreOptions) {
    this.flushMs = options.flushMs ?? 200;
    // Small: a pipe read of a busy process (up to 64 KiB) is written by itself, at once. Joining big
    // strings into bigger ones before a write cost more than the write itself (measured: 3x the CPU).
    this.flushBytes = options.flushBytes ?? 16 * 1024;
    this.retentionTimer = setInterval(() => {
      for (const [app, log] of this.apps) {
        log.retention = null;
        this.enforceRetention(app);
      }
    }, RETENTION_CHECK_MS);
    this.retentionTimer.unref();
  }

  /** The hot path: `count` consecutive lines of one process (ids firstId, firstId + 1, ...), each ending with `\n`. */
  appendBlock(app: string, firstId: number, ms: number, source: string, process: string, bytes: Buffer, count: number): void {
    const log = this.apps.get(app) ?? this.open(app);
    if (log.pending.length === 0) log.pendingFirstId = firstId;
    const header = encodeHeader(firstId, ms, source, process, count, bytes.length);
    // `bytes` may be a view of a read buffer that is reused once this returns: a batch written now is
    // written from it, one that waits for more is copied (it is small).
    const writeNow = log.pendingBytes + header.length + bytes.length >= this.flushBytes;
    log.pending.push(header, writeNow ? bytes : Buffer.from(bytes));
    log.pendingBytes += header.length + bytes.length;
    log.pendingLines += count;
    if (writeNow) this.write(app, log);
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
    return this.readable(app, [], () => readEvents(app, this.writtenSegments(app), query));
  }

  /** Stored batches after `afterId`, as on disk, up to about `maxBytes` (see readBatchesAfter). */
  readBatches(app: string, afterId: number, query: LogQuery, maxBytes: number, cursor?: ReadCursor): BatchPage {
    return this.readable(app, { batches: [], cursor: undefined }, () => readBatchesAfter(app, this.writtenSegments(app), afterId, query, maxBytes, cursor));
  }

  /**
   * An id at or before the app's first stored line from `sinceMs` on, for reading every line since then
   * in pages (after this id, filtered by time): a segment last written before `sinceMs` holds nothing
   * from then on, so the first one written later is where to start. Undefined when none is.
   */
  idBefore(app: string, sinceMs: number): number | undefined {
    // A file's time may trail the clock by a tick: a second's slack, the time filter drops what is older.
    const first = this.readable(app, undefined, () => this.writtenSegments(app).find((segment) => modifiedMs(segment.path) >= sinceMs - 1000));
    return first ? first.firstId - 1 : undefined;
  }

  /** The highest id on disk for these apps (0 if none): ids of a new run start above it. */
  lastId(apps: string[]): number {
    let last = 0;
    for (const app of apps) {
      const segments = this.readable(app, [], () => listSegments(this.options.dirFor(app)));
      for (let i = segments.length - 1; i >= 0; i -= 1) {
        const found = this.readable(app, 0, () => lastIdIn(segments[i]!.path));
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
    return this.readable(app, [], () => this.writtenSegments(app)).reduce((sum, s) => sum + s.bytes, 0);
  }

  /** The app's retention was changed: read it again. */
  retentionChanged(app: string): void {
    const log = this.apps.get(app);
    if (log) log.retention = null;
  }

  /**
   * Deletes segments older than the app's age, and the oldest beyond its size: the newest `maxBytes` are
   * always kept (a segment goes only when the newer ones hold that much), so the disk holds up to a
   * segment more. A segment left bigger than that by an earlier, larger size is cut at the front
   * (segment-trim.ts): lowering the size keeps the newest lines. An app not written since twelve started
   * is looked at too, and from then on by the regular check: an idle app's old log must go as well, and a
   * smaller size set for it applies at once.
   */
  enforceRetention(app: string): void {
    const log = this.apps.get(app) ?? this.open(app);
    const { maxBytes, maxAgeMs } = this.retentionOf(app, log);
    let total = log.segments.reduce((sum, s) => sum + s.bytes, 0);
    const oldest = Date.now() - maxAgeMs;
    while (log.segments.length > 0) {
      const first = log.segments[0]!;
      if (total - first.bytes < maxBytes && !(this.readable(app, 0, () => modifiedMs(first.path)) < oldest)) break;
      if (log.segments.length === 1) closeSegment(log);
      try {
        unlinkSync(first.path);
      } catch (error) {
        if (!isGone(error)) this.options.onRetentionFailed?.(app, error as Error);
      }
      total -= first.bytes;
      log.segments.shift();
    }
    const first = log.segments[0];
    const open = log.segments.length === 1 && log.fd !== null;
    if (first && !open && first.path !== log.uncuttable && total - maxBytes > this.segmentLimit(app, log)) {
      try {
        const kept = trimSegmentFront(first, first.bytes - (total - maxBytes));
        if (kept === first) log.uncuttable = first.path;
        log.segments[0] = kept;
      } catch (error) {
        this.options.onRetentionFailed?.(app, error as Error);
      }
    }
  }

  /** Lets go of the app's files (the app is renamed: its directory moves); they are opened again on use. */
  release(app: string): void {
    this.flush();
    const log = this.apps.get(app);
    if (log) closeSegment(log);
    this.apps.delete(app);
  }

  /** Removes the app's log for good (the app is destroyed). */
  remove(app: string): void {
    const log = this.apps.get(app);
    if (log) closeSegment(log);
    this.apps.delete(app);
    rmSync(this.options.dirFor(app), { recursive: true, force: true });
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.retentionTimer);
    for (const log of this.apps.values()) closeSegment(log);
    this.apps.clear();
  }

  /** The app's segments once what waits is written (a read sees every line published before it). */
  private writtenSegments(app: string): Segment[] {
    this.flush(app);
    const log = this.apps.get(app);
    return log ? log.segments : listSegments(this.options.dirFor(app));
  }

  private open(app: string): AppLog {
    const dir = this.options.dirFor(app);
    const log: AppLog = { dir, fd: null, pages: null, segments: this.readable(app, [], () => listSegments(dir)), pending: [], pendingBytes: 0, pendingLines: 0, pendingFirstId: 0, retention: null, uncuttable: null };
    this.apps.set(app, log);
    return log;
  }

  /** What `read` gives, or `fallback` when the file system refuses (reported; a bug still throws). */
  private readable<T>(app: string, fallback: T, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (typeof (error as NodeJS.ErrnoException | null)?.code !== 'string') throw error;
      this.options.onUnreadable?.(app, error as Error);
      return fallback;
    }
  }

  private retentionOf(app: string, log: AppLog): Retention {
    log.retention ??= this.options.retention?.(app) ?? DEFAULT_RETENTION;
    return log.retention;
  }

  private segmentLimit(app: string, log: AppLog): number {
    const { maxBytes } = this.retentionOf(app, log);
    // About eight segments per app, so retention frees space in steps of an eighth.
    return Math.min(16 * 1024 * 1024, Math.max(64 * 1024, Math.floor(maxBytes / 8)));
  }

  private write(app: string, log: AppLog): void {
    if (log.pending.length === 0) return;
    // One writev, no join: joining big strings or buffers first cost more than the write (measured 3x).
    const data = log.pending.length > MAX_IOVECS ? [Buffer.concat(log.pending)] : log.pending;
    const { pendingBytes: bytes, pendingLines: lines } = log;
    log.pending = [];
    log.pendingBytes = 0;
    log.pendingLines = 0;
    try {
      let current = log.segments.at(-1);
      if (log.fd === null || !current || current.bytes >= this.segmentLimit(app, log)) {
        closeSegment(log);
        mkdirSync(log.dir, { recursive: true });
        current = { path: join(log.dir, segmentName(log.pendingFirstId)), firstId: log.pendingFirstId, bytes: 0 };
        log.fd = openSync(current.path, 'a');
        log.pages = new WrittenPages(log.fd, 0);
        log.segments.push(current);
        this.enforceRetention(app);
      }
      const written = writevSync(log.fd!, data);
      current.bytes += written;
      log.pages?.wrote(written);
      if (written < bytes) {
        // A short write (a full disk) leaves a torn record: the next write starts a new segment, so
        // no record ever follows a torn one.
        closeSegment(log);
        throw new Error(`only ${written} of ${bytes} bytes could be written`);
      }
    } catch (error) {
      this.options.onDropped?.(app, lines, error as Error);
    }
  }
}

/** Closes the segment being written, if any; its number is forgotten first, so a failure cannot close it twice. */
function closeSegment(log: AppLog): void {
  if (log.fd === null) return;
  const fd = log.fd;
  log.fd = null;
  log.pages?.closing();
  log.pages = null;
  closeSync(fd);
}
