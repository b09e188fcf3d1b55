/**
 * The history `twelve metrics` charts: after the sampler's rounds, a point every 10 s per process
 * (memory, CPU) and per app (requests, 5xx answers and p99 in those 10 s, from the router's counters),
 * and every minute the last minute's points rolled up; old points pruned. In the store, so it outlives
 * a restart of twelve (the router's counts start again from zero then: the first 10 s after one has no
 * router point).
 */
import type { Db } from '../store/database.js';
import { forgetPoints, prunePoints, rollUpMinute, STEPS, writePoints, type MetricPoint } from '../store/metric-points.js';
import { FixedHistogram } from './histogram.js';
import type { ProcessSample } from './process-sampler.js';
import type { RouterCounters } from './router-counters.js';

const FINE_MS = STEPS.fine.stepS * 1000;

interface RouterSnapshot { requests: number; errors: number; buckets: Float64Array }

export class MetricHistory {
  private lastSlot = 0;
  private previous = new Map<string, RouterSnapshot>();

  constructor(private readonly db: Db, private readonly router: RouterCounters, private readonly onError: (error: unknown) => void) {}

  /** After each sampler round; writes once per 10 s slot. */
  sampled(samples: readonly ProcessSample[], now = Date.now()): void {
    const slot = Math.floor(now / FINE_MS) * FINE_MS;
    if (slot === this.lastSlot) return;
    const firstSlot = this.lastSlot === 0;
    const lastSlot = this.lastSlot;
    this.lastSlot = slot;
    try {
      const points = samples.filter((s) => s.usage !== null).map((s): MetricPoint => ({
        app: s.app, dyno: s.dyno, atMs: slot, memoryBytes: s.usage!.rssBytes, cpuCores: s.cpuCores, requests: null, errors: null, p99S: null,
      }));
      points.push(...this.routerPoints(slot, firstSlot));
      writePoints(this.db, STEPS.fine.stepS, points);
      const minute = Math.floor(slot / 60_000) * 60_000;
      if (!firstSlot && Math.floor(lastSlot / 60_000) * 60_000 !== minute) {
        rollUpMinute(this.db, minute - 60_000);
        prunePoints(this.db, now);
      }
    } catch (error) {
      this.onError(error); // the store is closing or full: this point is lost, the next one is tried
    }
  }

  forget(app: string): void {
    this.previous.delete(app);
    forgetPoints(this.db, app);
  }

  /** Per app, what the router counted since the last slot; none for the first slot (no baseline yet). */
  private routerPoints(slot: number, firstSlot: boolean): MetricPoint[] {
    const points: MetricPoint[] = [];
    const next = new Map<string, RouterSnapshot>();
    for (const [app, counts] of this.router.apps) {
      let errors = 0;
      for (const dyno of counts.dynos.values()) errors += dyno.byClass[5]!;
      const snapshot: RouterSnapshot = { requests: counts.total.count, errors, buckets: Float64Array.from(counts.total.counts) };
      next.set(app, snapshot);
      const before = this.previous.get(app);
      if (firstSlot && !before) continue;
      const window = new FixedHistogram(counts.total.bounds);
      snapshot.buckets.forEach((count, i) => {
        const delta = count - (before?.buckets[i] ?? 0);
        window.counts[i] = delta;
        window.count += delta;
      });
      const requests = snapshot.requests - (before?.requests ?? 0);
      points.push({
        app, dyno: '', atMs: slot, memoryBytes: null, cpuCores: null, requests, errors: errors - (before?.errors ?? 0),
        p99S: requests > 0 ? window.quantile(0.99) : null,
      });
    }
    this.previous = next;
    return points;
  }
}
