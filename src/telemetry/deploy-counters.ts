/**
 * Builds, releases, boots and rollbacks as they happen, per app: histograms of their durations by
 * result (seconds) and counts, read by /metrics when scraped. Labels stay bounded: apps, two results,
 * process types, two kinds of rollback.
 */
import { FixedHistogram } from './histogram.js';

/** Seconds: a build or release takes from a second to minutes. */
export const DEPLOY_BUCKETS_S: readonly number[] = [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200];
/** Seconds from spawn to up (port bound, health check passed). */
export const BOOT_BUCKETS_S: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

export type Outcome = 'succeeded' | 'failed';
export type RollbackKind = 'manual' | 'automatic';

/** A histogram per distinct label set, keyed by the label values joined with NUL. */
export class LabeledHistograms {
  readonly series = new Map<string, { labels: string[]; histogram: FixedHistogram }>();

  constructor(readonly bounds: readonly number[]) {}

  observe(labels: string[], value: number): void {
    const key = labels.join('\0');
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, histogram: new FixedHistogram(this.bounds) }));
    entry.histogram.observe(value);
  }

  forgetApp(app: string): void {
    for (const [key, entry] of this.series) if (entry.labels[0] === app) this.series.delete(key);
  }
}

export class DeployCounters {
  /** [app, result] */
  readonly builds = new LabeledHistograms(DEPLOY_BUCKETS_S);
  /** [app, result]: from the release row to live (release phase, boot, switch) or refused. */
  readonly releases = new LabeledHistograms(DEPLOY_BUCKETS_S);
  /** [app, type]: each start of a process until it is up, restarts included. */
  readonly boots = new LabeledHistograms(BOOT_BUCKETS_S);
  /** app -> kind -> count */
  readonly rollbacks = new Map<string, Map<RollbackKind, number>>();

  built(app: string, outcome: Outcome, seconds: number): void {
    this.builds.observe([app, outcome], seconds);
  }

  released(app: string, outcome: Outcome, seconds: number): void {
    this.releases.observe([app, outcome], seconds);
  }

  booted(app: string, type: string, seconds: number): void {
    this.boots.observe([app, type], seconds);
  }

  rolledBack(app: string, kind: RollbackKind): void {
    let kinds = this.rollbacks.get(app);
    if (!kinds) this.rollbacks.set(app, (kinds = new Map()));
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }

  forget(app: string): void {
    for (const histograms of [this.builds, this.releases, this.boots]) histograms.forgetApp(app);
    this.rollbacks.delete(app);
  }
}
