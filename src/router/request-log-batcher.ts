/**
 * The router's lines of one turn of the event loop, published together: one batch per app per turn
 * instead of one per request. Under load a turn serves many requests; a batch costs one record header
 * on disk (about a fifth of a router line) and one buffer, where a line each cost both, plus a writev
 * entry, every time (what it saved: docs/router.md).
 */
import type { LogBus } from '../logs/log-bus.js';

export class RequestLogBatcher {
  private pending = new Map<string, string[]>();
  private scheduled = false;

  constructor(private readonly logs: LogBus) {}

  /** A router line (never holding a newline) for the app's stream. */
  add(app: string, line: string): void {
    const lines = this.pending.get(app);
    if (lines) lines.push(line);
    else this.pending.set(app, [line]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Publishes what is waiting now (also when the router closes). */
  readonly flush = (): void => {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const [app, lines] of pending) this.logs.publishLines(app, 'router', 'router', lines);
  };
}
