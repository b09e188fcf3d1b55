/**
 * The log router: every event of an app gets an id and a time, goes to the app's durable store (when
 * there is one) and out to live tails and drains. Publishing never waits on a reader or the disk, so a
 * slow tail, drain or disk cannot slow an app down.
 */
import { matchesFilter, type LogEvent, type LogQuery, type LogSource } from './log-event.js';
import type { LogStore } from './log-store.js';

export type LogListener = (event: LogEvent) => void;

export class LogBus {
  // Ids keep increasing across restarts of twelve: they start above the clock in microseconds and above
  // the last id on disk, so a tail that resumes `after` an id from the previous run neither skips nor repeats.
  private nextId: number;
  /** Without a store, the most recent events of each app are kept in memory (tests, tools). */
  private readonly recent = new Map<string, LogEvent[]>();
  private readonly listeners = new Map<string, Set<LogListener>>();
  private readonly forgetHooks: Array<(app: string) => void> = [];
  // The ISO time is made once per millisecond, not once per line.
  private clockMs = 0;
  private clockIso = '';

  constructor(private readonly store?: LogStore, private readonly keepPerApp = 10_000, lastId = 0) {
    this.nextId = Math.max(Date.now() * 1000, lastId + 1);
  }

  /** Publishes one event per line of `text`; returns the last. */
  publish(app: string, source: LogSource, process: string, text: string): LogEvent {
    if (text.includes('\n')) {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length - 1; i += 1) this.publish(app, source, process, lines[i]!.replace(/\r$/, ''));
      return this.publish(app, source, process, lines.at(-1)!.replace(/\r$/, ''));
    }
    const ms = Date.now();
    if (ms !== this.clockMs) {
      this.clockMs = ms;
      this.clockIso = new Date(ms).toISOString();
    }
    const event: LogEvent = { id: this.nextId++, time: this.clockIso, app, source, process, text };
    if (this.store) this.store.append(app, event.id, ms, source, process, text);
    else this.remember(event);
    const listeners = this.listeners.get(app);
    if (listeners) {
      for (const listener of listeners) {
        // One broken tail must not keep the event from the others, nor throw back into the app's output reader.
        try {
          listener(event);
        } catch {
          listeners.delete(listener);
        }
      }
    }
    return event;
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

  subscribe(app: string, listener: LogListener): () => void {
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
