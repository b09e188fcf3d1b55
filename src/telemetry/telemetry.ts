/**
 * Telemetry wired together: the one process sampler, the router's and the logs' counters, and the
 * prom-client registry /metrics formats (with Node's default metrics for twelve itself). Made by
 * `twelve serve` unless TWELVE_METRICS=off; the router counts into `routerCounters`.
 */
import { statSync } from 'node:fs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type pino from 'pino';
import type { DrainManager } from '../logs/drains/drain-manager.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Paths } from '../paths.js';
import type { SupervisedProcess } from '../run/process-spec.js';
import type { Supervisor } from '../run/supervisor.js';
import type { Db } from '../store/database.js';
import type { DeployCounters } from './deploy-counters.js';
import { listApps } from '../store/apps.js';
import { appsWithFeature } from '../store/features.js';
import { AppScraper } from './app-scraper.js';
import { registerDeployMetrics } from './deploy-metrics.js';
import { appendFamilies, mergeFamilies } from './exposition.js';
import { registerLogMetrics } from './log-metrics.js';
import { MetricHistory } from './metric-history.js';
import { ProcessSampler } from './process-sampler.js';
import { ProcessTotals, registerProcessMetrics } from './process-metrics.js';
import { registerRaw } from './raw-metric.js';
import { RouterCounters } from './router-counters.js';
import { RuntimeMetrics } from './runtime-metrics.js';
import { registerRouterMetrics, type RouterView } from './router-metrics.js';

/** The parts of the platform telemetry reads. */
export interface TelemetryParts {
  supervisor: Supervisor;
  logs: LogBus;
  drains: DrainManager;
  deployCounters: DeployCounters;
  db: Db;
  paths: Pick<Paths, 'database'>;
  logger: pino.Logger;
}

export interface TelemetryOptions {
  /** How often the sampler reads /proc (default 5 s). */
  sampleIntervalMs?: number;
}

export class Telemetry {
  readonly registry = new Registry();
  readonly routerCounters = new RouterCounters();
  readonly sampler: ProcessSampler;
  readonly totals = new ProcessTotals();
  readonly history: MetricHistory;
  private readonly apps: AppScraper;
  /** App families left out: the same name as another app's (this scrape) or twelve's own (known after the last one) with another type. */
  private conflicts = 0;
  private ownConflicts = 0;
  private readonly onCrash = (proc: SupervisedProcess) => this.totals.crashed(proc);

  constructor(private readonly platform: TelemetryParts, options: TelemetryOptions = {}) {
    const { supervisor, logs, drains, deployCounters, db, paths } = platform;
    this.sampler = new ProcessSampler(() => supervisor.processes(), (error) => platform.logger.warn({ err: error }, 'metrics: a use of the process samples failed'), options.sampleIntervalMs);
    this.sampler.onSample((samples) => this.totals.sampled(samples));
    const runtimeMetrics = new RuntimeMetrics(logs, () => appsWithFeature(db, 'runtime-metrics'));
    this.sampler.onSample((samples) => runtimeMetrics.sampled(samples));
    this.history = new MetricHistory(db, this.routerCounters, (error) => platform.logger.warn({ err: error }, 'metrics: could not store a point of history'));
    this.sampler.onSample((samples) => this.history.sampled(samples));
    supervisor.on('crashed', this.onCrash);
    logs.onForget((app) => {
      this.routerCounters.forget(app);
      this.totals.forget(app);
      this.history.forget(app);
    });
    collectDefaultMetrics({ register: this.registry });
    // Gauges that prom-client names with `_total`, against Prometheus's naming rules (promtool refuses
    // them); the same counts are in nodejs_active_handles and nodejs_active_requests.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    registerProcessMetrics(this.registry, this.sampler, this.totals);
    registerLogMetrics(this.registry, {
      counters: logs.counters, storedBytes: (app) => logs.storedBytes(app), apps: () => listApps(db).map((app) => app.name), drains: () => drains.listAll(),
    });
    registerDeployMetrics(this.registry, deployCounters);
    this.apps = new AppScraper(() => supervisor.processes());
    this.apps.register(this.registry);
    registerRaw(this.registry, {
      name: 'twelve_app_metric_conflicts', help: 'Metric families of the apps left out of the last scrape: their name was taken by one of another type.', type: 'gauge',
      collect: () => [{ labels: {}, value: this.conflicts }],
    });
    registerRaw(this.registry, {
      name: 'twelve_store_bytes', help: 'Size of twelve\'s SQLite store (the database and its write-ahead log), in bytes.', type: 'gauge',
      collect: () => [{ labels: {}, value: fileBytes(paths.database) + fileBytes(`${paths.database}-wal`) }],
    });
  }

  /** The router's own figures, once it exists (it is made after the platform). */
  attachRouter(router: Omit<RouterView, 'counters' | 'processes'>): void {
    registerRouterMetrics(this.registry, { ...router, counters: this.routerCounters, processes: () => this.platform.supervisor.processes() });
  }

  start(): void {
    this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
    this.platform.supervisor.off('crashed', this.onCrash);
  }

  /** The exposition text and its content type: twelve's own metrics and the apps' (app.json `metrics`). */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const merged = mergeFamilies(await this.apps.scrape());
    this.conflicts = merged.conflicts + this.ownConflicts;
    const own = await this.registry.metrics();
    const joined = appendFamilies(own, merged.families);
    this.ownConflicts = joined.conflicts;
    return { contentType: this.registry.contentType, text: joined.text };
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no WAL file between checkpoints
  }
}
