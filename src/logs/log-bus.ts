/**
 * The in-memory log router: keeps the most recent events of each app in a ring and fans new events out
 * to live tails. Publishing never waits on a subscriber, so a slow tail cannot slow an app down.
 */
import type { LogEvent, LogSource } from './log-event.js';

export type LogListener = (event: LogEvent) => void;

export class LogBus {
  // Ids keep increasing across restarts of twelve, so a tail that resumes `after` an id from the previous
  // run does not skip the new run's first events.
  private nextId = Date.now() * 1000;
  private readonly recent = new Map<string, LogEvent[]>();
  private readonly listeners = new Map<string, Set<LogListener>>();

  constructor(private readonly keepPerApp = 10_000) {}

  publish(app: string, source: LogSource, process: string, text: string): LogEvent {
    const event: LogEvent = { id: this.nextId++, time: new Date().toISOString(), app, source, process, text };
    let ring = this.recent.get(app);
    if (!ring) this.recent.set(app, (ring = []));
    ring.push(event);
    // Trim in chunks: one splice per thousand events instead of a shift per event.
    if (ring.length > this.keepPerApp + 1000) ring.splice(0, ring.length - this.keepPerApp);
    for (const listener of this.listeners.get(app) ?? []) {
      // One broken tail must not keep the event from the others, nor throw back into the app's output reader.
      try {
        listener(event);
      } catch {
        this.listeners.get(app)?.delete(listener);
      }
    }
    return event;
  }

  /** The last `count` events of the app, oldest first, optionally only those after `afterId` or matching. */
  history(app: string, options: { count?: number; afterId?: number; filter?: (event: LogEvent) => boolean } = {}): LogEvent[] {
    const ring = this.recent.get(app) ?? [];
    const afterId = options.afterId ?? 0;
    const filter = options.filter ?? (() => true);
    const picked = ring.filter((event) => event.id > afterId && filter(event));
    const count = options.count ?? this.keepPerApp;
    return picked.slice(Math.max(0, picked.length - count));
  }

  subscribe(app: string, listener: LogListener): () => void {
    let set = this.listeners.get(app);
    if (!set) this.listeners.set(app, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(app);
    };
  }

  forget(app: string): void {
    this.recent.delete(app);
  }
}
