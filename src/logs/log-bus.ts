/**
 * The log router: every event of an app gets an id and a time, goes to the app's durable store (when
 * there is one) and out to live tails and drains. Publishing never waits on a reader or the disk, so a
 * slow tail, drain or disk cannot slow an app down.
 */
import { batchEvents, type LogBatch } from './log-batch.js';
import { errorText } from '../errors.js';
import { matchesFilter, type LogEvent, type LogQuery, type LogSource } from './log-event.js';
import type { BatchPage, ReadCursor } from './log-reader.js';
import { LogCounters } from './log-counters.js';
import type { LogStore } from './log-store.js';

export type LogListener = (event: LogEvent) => void;

export type LogBatchListener = (batch: LogBatch) => void;

export class LogBus {
  // Ids keep increasing across restarts of twelve: they start above the clock in microseconds and above
  // the last id on disk, so a tail that resumes `after` an id from the previous run neither skips nor repeats.
  private nextId: number;
  /** Without a store, the most recent events of each app are kept in memory (tests, tools). */
  private readonly recent = new Map<string, LogEvent[]>();
  /** Per app, each listener with what to call when the app's stream ends (the app is destroyed). */
  private readonly listeners = new Map<string, Map<LogBatchListener, (() => void) | undefined>>();
  private readonly forgetHooks: Array<(app: string) => void> = [];
  /** Lines and bytes per process, for /metrics. */
  readonly counters = new LogCounters();
  // The ISO time is made once per millisecond, not once per line.
  private clockMs = 0;
  private clockIso = '';

  /**
   * `onListenerError` hears of a listener that threw: it gets no more events, and the operator should
   * know why a tail or a drain went quiet (without it, a process warning says so).
   */
  constructor(private readonly store?: LogStore, private readonly keepPerApp = 10_000, lastId = 0,
    private readonly onListenerError: (app: string, error: unknown) => void = warnListenerError) {
    this.nextId = Math.max(Date.now() * 1000, lastId + 1);
  }

  /** The id of the newest event so far (those published next are higher). */
  lastId(): number {
    return this.nextId - 1;
  }

  /** Publishes one event per line of `text`; returns the last. */
  publish(app: string, source: LogSource, process: string, text: string): LogEvent {
    if (!text.includes('\n')) {
      const batch = this.publishBlock(app, source, process, Buffer.from(`${text}\n`), 1);
      return { id: batch.firstId, time: batch.time, app, source, process, text };
    }
    const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
    const batch = this.publishLines(app, source, process, lines);
    return { id: batch.firstId + batch.count - 1, time: batch.time, app, source, process, text: lines.at(-1)! };
  }

  /** Lines of one process (none holding a newline) as consecutive events. */
  publishLines(app: string, source: LogSource, process: string, lines: readonly string[]): LogBatch {
    return this.publishBlock(app, source, process, Buffer.from(`${lines.join('\n')}\n`), lines.length);
  }

  /**
   * The hot path: `count` lines of one process (each ending with `\n`) become consecutive events with one
   * clock reading, one append to the store and one call per listener, and no work per line.
   * `bytes` may be a view of a read buffer that is reused once this returns (process output is read that
   * way, see launch/process-output.ts): nothing here keeps it. The store copies what it does not write at
   * once; a listener gets the batch with the same bytes and copies what it keeps past its call.
   */
  publishBlock(app: string, source: LogSource, process: string, bytes: Buffer, count: number): LogBatch {
    const ms = Date.now();
    if (ms !== this.clockMs) {
      this.clockMs = ms;
      this.clockIso = new Date(ms).toISOString();
    }
    const batch: LogBatch = { firstId: this.nextId, count, time: this.clockIso, ms, app, source, process, bytes };
    this.nextId += count;
    this.counters.published(app, process, count, bytes.length);
    if (this.store) this.store.appendBlock(app, batch.firstId, ms, source, process, bytes, count);
    else for (const event of batchEvents(batch)) this.remember(event);
    const listeners = this.listeners.get(app);
    if (listeners) {
      for (const listener of listeners.keys()) {
        // One broken tail must not keep the events from the others, nor throw back into the app's output reader.
        try {
          listener(batch);
        } catch (error) {
          listeners.delete(listener);
          this.onListenerError(app, error);
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

  /**
   * Stored batches after `afterId` as they are on disk, up to about `maxBytes`, going on from `cursor`;
   * undefined when there is no store or the query needs each line (`grep`): read `history` then.
   */
  historyBatches(app: string, afterId: number, query: LogQuery, maxBytes: number, cursor?: ReadCursor): BatchPage | undefined {
    if (!this.store || query.grep) return undefined;
    return this.store.readBatches(app, afterId, query, maxBytes, cursor);
  }

  /** Calls `listener` with every event of the app from now on. */
  subscribe(app: string, listener: LogListener): () => void {
    return this.subscribeBatches(app, (batch) => {
      for (const event of batchEvents(batch)) listener(event);
    });
  }

  /**
   * Calls `listener` with every batch of the app's events from now on (cheaper than one call per event),
   * and `onEnd` if the app is destroyed: its stream is over, and a new app of the same name is another.
   */
  subscribeBatches(app: string, listener: LogBatchListener, onEnd?: () => void): () => void {
    let set = this.listeners.get(app);
    if (!set) this.listeners.set(app, (set = new Map()));
    set.set(listener, onEnd);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(app) === set) this.listeners.delete(app);
    };
  }

  /** Runs when an app's stream is forgotten (the drains of a destroyed app stop). */
  onForget(hook: (app: string) => void): void {
    this.forgetHooks.push(hook);
  }

  /**
   * The app is renamed: live tails of the old name end, its recent events go to the new name, and the
   * store lets go of its files (their directory moves). Forget hooks run for the old name: drains stop
   * until the caller starts them again under the new one.
   */
  rename(app: string, newName: string): void {
    const listeners = this.listeners.get(app);
    this.listeners.delete(app);
    for (const onEnd of listeners?.values() ?? []) onEnd?.();
    const recent = this.recent.get(app);
    this.recent.delete(app);
    if (recent) this.recent.set(newName, recent.map((event) => ({ ...event, app: newName })));
    this.counters.forget(app);
    this.store?.release(app);
    for (const hook of this.forgetHooks) hook(app);
  }

  /** The app is gone: its stored log and in-memory events go too. */
  forget(app: string): void {
    const listeners = this.listeners.get(app);
    this.listeners.delete(app);
    for (const onEnd of listeners?.values() ?? []) onEnd?.();
    this.recent.delete(app);
    this.counters.forget(app);
    this.store?.remove(app);
    for (const hook of this.forgetHooks) hook(app);
  }

  /**
   * Where to read every line of the app from `sinceMs` on (after this id, filtered by time): before its
   * first segment written since then, or after the newest line when none was. 0 without a store.
   */
  idBefore(app: string, sinceMs: number): number {
    if (!this.store) return 0;
    return this.store.idBefore(app, sinceMs) ?? this.lastId();
  }

  /** Bytes of the app's log on disk (0 without a store). */
  storedBytes(app: string): number {
    return this.store?.size(app) ?? 0;
  }

  /** Applies the app's retention now (it was just changed). */
  enforceRetention(app: string): void {
    this.store?.flush(app);
    this.store?.retentionChanged(app);
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

function warnListenerError(app: string, error: unknown): void {
  process.emitWarning(`a listener of ${app}'s log threw and gets no more events: ${errorText(error)}`);
}
