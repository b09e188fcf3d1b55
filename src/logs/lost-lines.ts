/**
 * Lines the log store could not write (a full disk, a failing device) reported into the app's own
 * stream, so that whoever tails or drains it hears of them, as Heroku reports the lines its local log
 * delivery discarded (L13); twelve's own log says so too (open-logs.ts).
 *
 * The first loss after a quiet spell is reported at once; later ones at most every `intervalMs`, one
 * report per failed write would be a flood. Each report counts every line lost since the spell began,
 * not since the last report: while the disk stays full a report cannot be stored either (live tails and
 * drains still get it), so the one that reaches the disk once there is room again must tell the whole
 * loss by itself.
 */
export const LOST_LINES_REPORT_MS = 10_000;

interface Losses {
  /** Lines lost since the spell began. */
  count: number;
  /** Of those, lost since the last report: none at a report's time ends the spell. */
  unreported: number;
  /** When the spell began. */
  since: string;
  error: string;
  timer: NodeJS.Timeout | null;
}

export class LostLinesReporter {
  private readonly losses = new Map<string, Losses>();

  constructor(private readonly publish: (app: string, text: string) => void, private readonly intervalMs = LOST_LINES_REPORT_MS) {}

  /** `count` lines of the app could not be written, because of `error`. */
  lost(app: string, count: number, error: Error): void {
    let losses = this.losses.get(app);
    if (!losses) this.losses.set(app, (losses = { count: 0, unreported: 0, since: new Date().toISOString(), error: '', timer: null }));
    losses.count += count;
    losses.unreported += count;
    losses.error = error.message;
    // Reported on the next turn, not from inside the store's write that failed.
    losses.timer ??= this.schedule(app, 0);
  }

  /** Whether no spell of losses is going on for the app, so that its next loss is reported at once. */
  quiet(app: string): boolean {
    return !this.losses.has(app);
  }

  /** The app is destroyed: its losses are not reported (a report would make its log directory again). */
  forget(app: string): void {
    const losses = this.losses.get(app);
    if (losses?.timer) clearTimeout(losses.timer);
    this.losses.delete(app);
  }

  /** Stops reporting (twelve is stopping). */
  close(): void {
    for (const losses of this.losses.values()) if (losses.timer) clearTimeout(losses.timer);
    this.losses.clear();
  }

  private schedule(app: string, delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.report(app), delayMs);
    timer.unref();
    return timer;
  }

  private report(app: string): void {
    const losses = this.losses.get(app);
    if (!losses) return;
    if (losses.unreported === 0) {
      this.losses.delete(app); // a quiet interval ends the spell: the next loss is reported at once
      return;
    }
    const { count, since, error } = losses;
    losses.unreported = 0;
    losses.timer = this.schedule(app, this.intervalMs);
    // Live tails and drains got those lines; the log on disk (history, `twelve logs -n`) misses them.
    this.publish(app, `Error L13 (local delivery error): ${count} ${count === 1 ? 'line' : 'lines'} could not be written to the log on disk since ${since} (${error})`);
  }
}
