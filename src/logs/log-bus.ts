/**
 * The log router: every event of an app gets an id and a time, goes to the app's durable store (when
 * there is one) and out to live tails and drains. Publishing never waits on a reader or the disk, so a
 * slow tail, drain or disk cannot slow an app down.
 */
import { matchesFilter, type LogEvent, type LogQuery, type LogSource } from './log-event.js';
import type { LogStore } from './log-store.js';

export type LogListener = (event: LogEvent) => void;

/** Consecutive events of one process published together: ids firstId, firstId + 1, ... one per line. */
export interface LogBatch {
  firstId: number;
  time: string;
  ms: number;
  app: string;
  source: LogSource;
  process: string;
  lines: readonly string[];
}

export type LogBatchListener = (batch: LogBatch) => void;

export class LogBus {
  // Ids keep increasing across restarts of twelve: they start above the clock in microseconds and above
  // the last id on disk, so a tail that resumes `after` an id from the previous run neither skips nor repeats.
  private nextId: number;
  /** Without a store, the most recent events of each app are kept in memory (tests, tools). */
  private readonly recent = new Map<string, LogEvent[]>();
  private readonly listeners = new Map<string, Set<LogBatchListener>>();
  private readonly forgetHooks: Array<(app: string) => void> = [];
  // The ISO time is made once per millisecond, not once per line.
  private clockMs = 0;
  private clockIso = '';

  constructor(private readonly store?: LogStore, private readonly keepPerApp = 10_000, lastId = 0) {
    this.nextId = Math.max(Date.now() * 1000, lastId + 1);
  }

  /** Publishes one event per line of `text`; returns the last. */
  publish(app: string, source: LogSource, process: string, text: string): LogEvent {
    const lines = text.includes('\n') ? text.split('\n').map((line) => line.replace(/\r$/, '')) : [text];
    const batch = this.publishLines(app, source, process, lines);
    const lastId = batch.firstId + lines.length - 1;
    return { id: lastId, time: batch.time, app, source, process, text: lines.at(-1)! };
  }

  /**
   * The hot path: lines of one process (none holding a newline) become consecutive events with one
   * clock reading, one write to the store's batch and one call per listener.
   */
  publishLines(app: string, source: LogSource, process: string, lines: readonly string[]): LogBatch {
    const ms = Date.now();
    if (ms !== this.clockMs) {
      this.clockMs = ms;
      this.clockIso = new Date(ms).toISOString();
    }
    const batch: LogBatch = { firstId: this.nextId, time: this.clockIso, ms, app, source, process, lines };
    this.nextId += lines.length;
    if (this.store) this.store.appendLines(app, batch.firstId, ms, source, process, lines);
    else for (let i = 0; i < lines.length; i += 1) this.remember(eventAt(batch, i));
    const listeners = this.listeners.get(app);
    if (listeners) {
      for (const listener of listeners) {
        // One broken tail must not keep the events from the others, nor throw back into the app's output reader.
        try {
          listener(batch);
        } catch {
          listeners.delete(listener);
        }
      }
    }
    return batch;
  }

  /** Events of the app, oldest first: the last `count` (default all in memory, 100 from disk), or all after `afterId`. */
  history(app: string, query: LogQuery & { filter?: (event: LogEvent) => boolean } = {}): LogEvent[] {
    const { filter, ...rest } = query;
    if (this.store) {
      const events = this.store.read(app, rest);
      return filter ? events.filter(filter) : events;
    }
    const ring = this.recent.get(app) ?? [];
    const afterId = query.afterId ?? 0;
    const picked = ring.filter((event) => event.id > afterId && (query.sinceMs === undefined || Date.parse(event.time) >= query.sinceMs)
      && matchesFilter(event, query) && (!filter || filter(event)));
    const count = afterId > 0 ? query.limit ?? picked.length : query.count ?? this.keepPerApp;
    return afterId > 0 ? picked.slice(0, count) : picked.slice(Math.max(0, picked.length - count));
  }

  /** Calls `listener` with every event of the app from now on. */
  subscribe(app: string, listener: LogListener): () => void {
    return this.subscribeBatches(app, (batch) => {
      for (let i = 0; i < batch.lines.length; i += 1) listener(eventAt(batch, i));
    });
  }

  /** Calls `listener` with every batch of the app's events from now on (cheaper than one call per event). */
  subscribeBatches(app: string, listener: LogBatchListener): () => void {
    let set = this.listeners.get(app);
    if (!set) this.listeners.set(app, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(app) === set) this.listeners.delete(app);
    };
  }

  /** Runs when an app's stream is forgotten (the drains of a destroyed app stop). */
  onForget(hook: (app: string) => void): void {
    this.forgetHooks.push(hook);
  }

  /** The app is gone: its stored log and in-memory events go too. */
  forget(app: string): void {
    this.recent.delete(app);
    this.store?.remove(app);
    for (const hook of this.forgetHooks) hook(app);
  }

  /** Bytes of the app's log on disk (0 without a store). */
  storedBytes(app: string): number {
    return this.store?.size(app) ?? 0;
  }

  /** Applies the app's retention now (it was just changed). */
  enforceRetention(app: string): void {
    this.store?.flush(app);
    this.store?.enforceRetention(app);
  }

  /** Writes what is waiting to disk; call at shutdown. */
  close(): void {
    this.store?.close();
  }

  private remember(event: LogEvent): void {
    let ring = this.recent.get(event.app);
    if (!ring) this.recent.set(event.app, (ring = []));
    ring.push(event);
    // Trim in chunks: one splice per thousand events instead of a shift per event.
    if (ring.length > this.keepPerApp + 1000) ring.splice(0, ring.length - this.keepPerApp);
  }
}

/** The i-th event of a batch. */
export function eventAt(batch: LogBatch, i: number): LogEvent {
  return { id: batch.firstId + i, time: batch.time, app: batch.app, source: batch.source, process: batch.process, text: batch.lines[i]! };
}
