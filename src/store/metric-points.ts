/**
 * The metric_points table behind `twelve metrics`: per app and dyno, a point every 10 s kept an hour and
 * a point a minute kept a day (the minute's 10 s points rolled up). dyno '' holds the app's router figures.
 */
import type { Db } from './database.js';

export interface MetricPoint {
  app: string;
  dyno: string;
  atMs: number;
  memoryBytes: number | null;
  cpuCores: number | null;
  /** Requests finished in the point's step (router rows only). */
  requests: number | null;
  /** Of those, answered 5xx. */
  errors: number | null;
  p99S: number | null;
}

export const STEPS = { fine: { stepS: 10, keepMs: 3_600_000 }, coarse: { stepS: 60, keepMs: 86_400_000 } } as const;

export function writePoints(db: Db, stepS: number, points: readonly MetricPoint[]): void {
  const insert = db.prepare(`INSERT OR REPLACE INTO metric_points (app, dyno, step_s, at_ms, memory_bytes, cpu_cores, requests, errors, p99_s)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const p of points) insert.run(p.app, p.dyno, stepS, p.atMs, p.memoryBytes, p.cpuCores, p.requests, p.errors, p.p99S);
  })();
}

/**
 * The minute [fromMs, fromMs + 60 s) of 10 s points as one point per app and dyno: mean memory and CPU,
 * summed requests and errors, the highest p99 of the minute (a p99 of p99s cannot be had from points).
 */
export function rollUpMinute(db: Db, fromMs: number): void {
  db.prepare(`INSERT OR REPLACE INTO metric_points (app, dyno, step_s, at_ms, memory_bytes, cpu_cores, requests, errors, p99_s)
    SELECT app, dyno, ?, ?, AVG(memory_bytes), AVG(cpu_cores), SUM(requests), SUM(errors), MAX(p99_s)
    FROM metric_points WHERE step_s = ? AND at_ms >= ? AND at_ms < ? GROUP BY app, dyno`)
    .run(STEPS.coarse.stepS, fromMs, STEPS.fine.stepS, fromMs, fromMs + 60_000);
}

/** Drops the points past each step's keep time. */
export function prunePoints(db: Db, nowMs: number): void {
  const drop = db.prepare('DELETE FROM metric_points WHERE step_s = ? AND at_ms < ?');
  for (const step of Object.values(STEPS)) drop.run(step.stepS, nowMs - step.keepMs);
}

export function readPoints(db: Db, app: string, stepS: number, sinceMs: number): MetricPoint[] {
  return db.prepare(`SELECT app, dyno, at_ms AS atMs, memory_bytes AS memoryBytes, cpu_cores AS cpuCores, requests, errors, p99_s AS p99S
    FROM metric_points WHERE app = ? AND step_s = ? AND at_ms >= ? ORDER BY dyno, at_ms`).all(app, stepS, sinceMs) as MetricPoint[];
}

export function forgetPoints(db: Db, app: string): void {
  db.prepare('DELETE FROM metric_points WHERE app = ?').run(app);
}
