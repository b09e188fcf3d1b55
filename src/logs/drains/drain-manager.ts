/**
 * The drains of every app: started from the store at boot, fed from the log bus, each with its own
 * buffer and sender so one slow or dead receiver never holds up the apps or the other drains. Drops are
 * reported into the app's stream once a second, as Heroku's L10 does. How far each drain got is saved
 * once a second and at shutdown; at boot a drain first gets what it had not delivered, from the stored
 * log, so a restart of twelve loses nothing (a crash may send the last second's lines twice).
 */
import type { ConnectionOptions } from 'node:tls';
import type { Db } from '../../store/database.js';
import { batchEvents } from '../log-batch.js';
import type { LogBus } from '../log-bus.js';
import type { ReadCursor } from '../log-reader.js';
import { Drain, type DrainStats } from './drain.js';
import { findDrain } from './drain-match.js';
import { isRefusalReport, refusalReport } from './drain-refusal.js';
import { deleteDrain, insertDrain, listDrains, saveSentThrough, type DrainRow } from './drain-rows.js';
import { displayUrl, parseDrainUrl, type DrainKind } from './drain-url.js';
import { openTransport } from './open-transport.js';

export interface DrainInfo extends DrainStats {
  id: string;
  app: string;
  url: string;
  kind: DrainKind;
  token: string;
  createdAt: string;
}

export interface DrainManagerOptions {
  /** Events a drain holds while its receiver is slow or down (default 20,000). */
  capacity?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Extra TLS options (a private CA) for syslog+tls:// and https:// drains. */
  tls?: ConnectionOptions;
  /** How often drops are reported into the app's stream (default 1 s). */
  reportMs?: number;
  /** How long a syslog connection may take nothing of what waits before it shows as stalled (default 5 s). */
  stallMs?: number;
  /** How far the drains got could not be saved (the store is busy or closing); the next save covers it. */
  onSaveFailed?(error: Error): void;
}

/** How much of the stored log one page of a drain's backfill reads. */
const BACKFILL_PAGE_BYTES = 4 * 1024 * 1024;

interface Running {
  row: DrainRow;
  drain: Drain;
  unsubscribe: () => void;
  lastReport: string;
  /** Messages the receiver refused for good since the last report, by the status it answered, and when the first was. */
  refused: Map<number, { count: number; since: string }>;
}

export class DrainManager {
  private readonly running = new Map<string, Running>();
  private readonly reportTimer: NodeJS.Timeout;
  /** Drain id to the last event it delivered, not saved yet. */
  private progress = new Map<string, number>();

  constructor(private readonly db: Db, private readonly bus: LogBus, private readonly options: DrainManagerOptions = {}) {
    this.reportTimer = setInterval(() => {
      this.reportDrops();
      this.saveProgress();
    }, options.reportMs ?? 1000);
    this.reportTimer.unref();
    bus.onForget((app) => { for (const run of [...this.running.values()]) if (run.row.app === app) this.stop(run); });
  }

  /** Starts the drains the store lists (at boot), each with what it had not delivered yet. */
  restore(): void {
    for (const row of listDrains(this.db)) {
      if (this.running.has(row.id)) continue;
      const run = this.start(row);
      this.backfill(run);
    }
  }

  /** Starts the app's drains that are not running (after a rename stopped them), each from where it was. */
  restoreApp(appId: number): void {
    this.saveProgress();
    for (const row of listDrains(this.db, appId)) {
      if (this.running.has(row.id)) continue;
      this.backfill(this.start(row));
    }
  }

  add(appId: number, url: string): DrainInfo {
    const run = this.start(insertDrain(this.db, appId, url, this.bus.lastId()));
    this.bus.publish(run.row.app, 'twelve', 'logplex', `Drain added: ${displayUrl(run.row.url)}`);
    return this.info(run);
  }

  /** Removes a drain, named by its URL (as added or as shown), its token or its id (drain-match.ts). */
  remove(appId: number, given: string): DrainInfo {
    const runs = [...this.running.values()].filter((r) => r.row.appId === appId);
    const { id } = findDrain(runs.map((r) => r.row), given);
    const run = this.running.get(id)!;
    deleteDrain(this.db, run.row.id);
    const info = this.info(run);
    this.stop(run);
    this.bus.publish(run.row.app, 'twelve', 'logplex', `Drain removed: ${displayUrl(run.row.url)}`);
    return info;
  }

  list(appId: number): DrainInfo[] {
    return [...this.running.values()].filter((run) => run.row.appId === appId).map((run) => this.info(run));
  }

  /** Every running drain with its figures (for /metrics). */
  listAll(): DrainInfo[] {
    return [...this.running.values()].map((run) => this.info(run));
  }

  /** Gives each drain up to `timeoutMs` to send what it holds, then stops them (twelve is stopping). */
  async close(timeoutMs = 2000): Promise<void> {
    clearInterval(this.reportTimer);
    await Promise.all([...this.running.values()].map(async (run) => {
      run.unsubscribe();
      await run.drain.stop(timeoutMs);
    }));
    this.saveProgress();
    this.running.clear();
  }

  /**
   * Events after the drain's saved position, from the stored log, go into its buffer before live ones
   * (the buffer keeps the newest `capacity` of them; older ones are dropped and reported, L10). The log
   * is read a page at a time, each page on from where the last stopped.
   */
  private backfill(run: Running): void {
    const { app, sentThrough } = run.row;
    if (sentThrough <= 0) return;
    let cursor: ReadCursor | undefined;
    let pageAfter = sentThrough;
    do {
      const page = this.bus.historyBatches(app, pageAfter, {}, BACKFILL_PAGE_BYTES, cursor);
      // Without a store (tests, tools), the events in memory.
      if (!page) {
        for (const event of this.bus.history(app, { afterId: sentThrough })) run.drain.push(event);
        return;
      }
      for (const batch of page.batches) {
        for (const event of batchEvents(batch)) if (event.id > sentThrough) run.drain.push(event);
      }
      cursor = page.cursor;
      pageAfter = cursor?.afterId ?? pageAfter;
    } while (cursor);
  }

  private saveProgress(): void {
    if (this.progress.size === 0) return;
    const progress = this.progress;
    this.progress = new Map();
    try {
      saveSentThrough(this.db, progress);
    } catch (error) {
      // The database is closing or busy: the next tick (or the next start's resend) covers it, but a store
      // that keeps refusing means every restart resends more, so it is said.
      this.options.onSaveFailed?.(error as Error);
    }
  }

  private start(row: DrainRow): Running {
    const target = parseDrainUrl(row.url);
    let drain: Drain | undefined;
    const refused = new Map<number, { count: number; since: string }>();
    const capacity = this.options.capacity ?? 20_000;
    const transport = openTransport(target, {
      token: row.token, tls: this.options.tls, stallMs: this.options.stallMs,
      onStalled: (reason) => drain?.stalled(reason),
      onDisconnect: (reason, atRisk) => {
        drain?.disconnected(reason);
        if (atRisk > 0) {
          // Bytes the receiver never took (syslog-transport.ts): how many messages exactly is not known.
          this.bus.publish(row.app, 'twelve', 'logplex', `Drain ${displayUrl(row.url)}: ${reason}; up to ${atRisk} of the last messages sent to it may be lost`);
        }
      },
    });
    let announced = false;
    drain = new Drain(transport, {
      capacity,
      batchSize: target.kind.startsWith('syslog') ? 1000 : 500,
      firstRetryMs: this.options.firstRetryMs, maxRetryMs: this.options.maxRetryMs,
      onSent: (lastId) => { this.progress.set(row.id, lastId); },
      onRefused: (events, refusal) => {
        // Reports of earlier refusals are not reported in turn: a receiver refusing everything would make
        // each report the subject of the next, once a second for ever.
        const count = events.filter((event) => !isRefusalReport(event)).length;
        if (count > 0) {
          const earlier = refused.get(refusal.status);
          refused.set(refusal.status, { count: (earlier?.count ?? 0) + count, since: earlier?.since ?? new Date().toISOString() });
        }
      },
      // A drain problem is said once per outage, and its end once, not per retry.
      onState: (state, error) => {
        if ((state === 'retrying' || state === 'stalled') && !announced) {
          announced = true;
          const [problem, meanwhile] = state === 'retrying' ? ['is unreachable', 'retrying'] : ['is stalled', 'waiting for it to read or close'];
          this.bus.publish(row.app, 'twelve', 'logplex', `Drain ${displayUrl(row.url)} ${problem} (${error}); holding up to ${capacity} messages and ${meanwhile}`);
        } else if (state === 'up' && announced) {
          announced = false;
          this.bus.publish(row.app, 'twelve', 'logplex', `Drain ${displayUrl(row.url)} is reachable again`);
        }
      },
    });
    const sink = drain;
    const run: Running = { row, drain: sink, unsubscribe: this.bus.subscribe(row.app, (event) => sink.push(event)), lastReport: new Date().toISOString(), refused };
    this.running.set(row.id, run);
    return run;
  }

  private stop(run: Running): void {
    run.unsubscribe();
    void run.drain.stop();
    this.running.delete(run.row.id);
  }

  private reportDrops(): void {
    for (const run of this.running.values()) {
      const dropped = run.drain.takeDropped();
      const now = new Date().toISOString();
      if (dropped.count > 0) {
        this.bus.publish(run.row.app, 'twelve', 'logplex',
          `Error L10 (output buffer overflow): ${dropped.count} messages dropped since ${dropped.since ?? run.lastReport} on drain ${displayUrl(run.row.url)}`);
      }
      for (const [status, { count, since }] of run.refused) {
        this.bus.publish(run.row.app, 'twelve', 'logplex', refusalReport(displayUrl(run.row.url), since, status, count));
      }
      run.refused.clear();
      run.lastReport = now;
    }
  }

  private info(run: Running): DrainInfo {
    const { row } = run;
    return { id: row.id, app: row.app, url: displayUrl(row.url), kind: parseDrainUrl(row.url).kind, token: row.token, createdAt: row.createdAt, ...run.drain.stats() };
  }
}
