/** What GET /v1/apps/:app/metrics answers (docs/api.md), and `twelve metrics` shows: now, and the last hour or day. */
import type { Db } from '../store/database.js';
import { readPoints, STEPS } from '../store/metric-points.js';
import type { ProcessSample } from './process-sampler.js';
import type { RouterCounters } from './router-counters.js';

export interface ProcessFigures {
  dyno: string;
  type: string;
  state: string;
  /** null while no process runs (crashed, starting). */
  rssBytes: number | null;
  pssBytes: number | null;
  cpuCores: number | null;
  load1m: number | null;
  openFds: number | null;
  uptimeSeconds: number | null;
  restarts: number;
}

export interface SeriesPoint { at: number; value: number | null }

export interface MetricsView {
  app: string;
  sampledAt: string | null;
  processes: ProcessFigures[];
  /** Since twelve started: requests the router finished, 5xx among them, and the p99 over them (seconds). */
  router: { requests: number; errors: number; p99Seconds: number | null };
  range: 'hour' | 'day';
  stepSeconds: number;
  /** Per dyno: memory (RSS bytes) and CPU (cores) over the range. */
  memory: Record<string, SeriesPoint[]>;
  cpu: Record<string, SeriesPoint[]>;
  /** The app's router: requests/s, 5xx/s and p99 (seconds) over the range. */
  requestsPerSecond: SeriesPoint[];
  errorsPerSecond: SeriesPoint[];
  p99Seconds: SeriesPoint[];
}

export function metricsView(db: Db, app: string, samples: readonly ProcessSample[], router: RouterCounters, range: 'hour' | 'day', now = Date.now()): MetricsView {
  const step = range === 'hour' ? STEPS.fine : STEPS.coarse;
  const points = readPoints(db, app, step.stepS, now - step.keepMs);
  const own = samples.filter((s) => s.app === app).sort((a, b) => a.dyno.localeCompare(b.dyno, 'en', { numeric: true }));
  const counts = router.apps.get(app);
  let requests = 0;
  let errors = 0;
  for (const dyno of counts?.dynos.values() ?? []) {
    for (const count of dyno.byClass) requests += count;
    errors += dyno.byClass[5]!;
  }
  const memory: Record<string, SeriesPoint[]> = {};
  const cpu: Record<string, SeriesPoint[]> = {};
  const appPoints = points.filter((p) => p.dyno === '');
  for (const p of points) {
    if (p.dyno === '') continue;
    (memory[p.dyno] ??= []).push({ at: p.atMs, value: p.memoryBytes });
    (cpu[p.dyno] ??= []).push({ at: p.atMs, value: p.cpuCores });
  }
  const perSecond = (value: number | null) => (value === null ? null : value / step.stepS);
  return {
    app,
    sampledAt: own[0] ? new Date(own[0].at).toISOString() : null,
    processes: own.map((s) => ({
      dyno: s.dyno, type: s.type, state: s.state, rssBytes: s.usage?.rssBytes ?? null, pssBytes: s.usage?.pssBytes ?? null,
      cpuCores: s.usage ? s.cpuCores : null, load1m: s.usage ? s.load[0] : null, openFds: s.usage?.openFds ?? null,
      uptimeSeconds: s.startTimeSeconds === null ? null : Math.max(0, s.at / 1000 - s.startTimeSeconds), restarts: s.restarts,
    })),
    router: { requests, errors, p99Seconds: counts && counts.total.count > 0 ? counts.total.quantile(0.99) : null },
    range, stepSeconds: step.stepS, memory, cpu,
    requestsPerSecond: appPoints.map((p) => ({ at: p.atMs, value: perSecond(p.requests) })),
    errorsPerSecond: appPoints.map((p) => ({ at: p.atMs, value: perSecond(p.errors) })),
    p99Seconds: appPoints.map((p) => ({ at: p.atMs, value: p.p99S })),
  };
}
