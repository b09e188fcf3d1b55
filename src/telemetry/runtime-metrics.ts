/**
 * Heroku's log-runtime-metrics for apps with `features:enable runtime-metrics`: every 20 s, two lines
 * per running process in the app's stream, in Heroku's words, so log-based tools that read them work
 * unchanged:
 *   source=web.1 dyno=heroku.7.6f1c... sample#memory_total=21.00MB sample#memory_rss=21.00MB sample#memory_swap=0.00MB sample#memory_quota=512.00MB
 *   source=web.1 dyno=heroku.7.6f1c... sample#load_avg_1m=0.05 sample#load_avg_5m=0.02 sample#load_avg_15m=0.01
 * The figures are the sampler's, the same /metrics shows. Load is the sampler's damped average of the
 * cores the process used (a dyno's run queue is not something twelve can see for one process group).
 */
import type { LogBus } from '../logs/log-bus.js';
import type { ProcessSample } from './process-sampler.js';

export const RUNTIME_METRICS_INTERVAL_MS = 20_000;
const MB = 1024 * 1024;

/** The two lines of one process's sample. */
export function runtimeMetricLines(sample: ProcessSample, appId: number): [string, string] | null {
  const usage = sample.usage;
  if (!usage) return null;
  const head = `source=${sample.dyno} dyno=heroku.${appId}.${sample.id}`;
  const mb = (bytes: number) => `${(bytes / MB).toFixed(2)}MB`;
  const [one, five, fifteen] = sample.load.map((value) => value.toFixed(2));
  return [
    `${head} sample#memory_total=${mb(usage.rssBytes + usage.swapBytes)} sample#memory_rss=${mb(usage.rssBytes)} sample#memory_swap=${mb(usage.swapBytes)}`
      + (sample.memoryQuotaBytes === null ? '' : ` sample#memory_quota=${mb(sample.memoryQuotaBytes)}`),
    `${head} sample#load_avg_1m=${one} sample#load_avg_5m=${five} sample#load_avg_15m=${fifteen}`,
  ];
}

export class RuntimeMetrics {
  /** When each app last had its lines, so that every app gets them every interval from its own start. */
  private readonly last = new Map<string, number>();

  constructor(private readonly logs: LogBus, private readonly appsWithFeature: () => Array<{ id: number; name: string }>,
    private readonly intervalMs = RUNTIME_METRICS_INTERVAL_MS) {}

  /** After each sampler round: the apps due get their lines. */
  sampled(samples: readonly ProcessSample[], now = Date.now()): void {
    const apps = this.appsWithFeature();
    const on = new Set(apps.map((app) => app.name));
    for (const name of this.last.keys()) if (!on.has(name)) this.last.delete(name);
    for (const app of apps) {
      const last = this.last.get(app.name);
      // A little slack: a round that comes a few ms early must not push the lines a whole round later.
      if (last !== undefined && now - last < this.intervalMs - 1000) continue;
      this.last.set(app.name, now);
      for (const sample of samples) {
        if (sample.app !== app.name) continue;
        const lines = runtimeMetricLines(sample, app.id);
        if (lines) this.logs.publishLines(app.name, 'twelve', sample.dyno, lines);
      }
    }
  }
}
