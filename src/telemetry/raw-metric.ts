/**
 * A prom-client metric whose values are read from twelve's own plain counters when scraped: prom-client
 * formats it, nothing is copied into prom-client's own objects between scrapes. Histograms come from
 * FixedHistogram's arrays as `_bucket`, `_sum` and `_count` lines.
 */
import type { Registry } from 'prom-client';
import type { FixedHistogram } from './histogram.js';

export type Labels = Record<string, string>;
export interface RawValue { labels: Labels; value: number; metricName?: string }
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface RawMetricSpec {
  name: string;
  help: string;
  type: MetricType;
  collect(): RawValue[];
}

/** Registers a metric read by `collect` at each scrape. */
export function registerRaw(registry: Registry, spec: RawMetricSpec): void {
  const metric = {
    name: spec.name, help: spec.help, type: spec.type, aggregator: 'sum',
    get: () => ({ name: spec.name, help: spec.help, type: spec.type, aggregator: 'sum', values: spec.collect() }),
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}

/** The lines of one histogram series. */
export function histogramValues(name: string, labels: Labels, histogram: FixedHistogram): RawValue[] {
  const cumulative = histogram.cumulative();
  const values: RawValue[] = histogram.bounds.map((bound, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: String(bound) }, value: cumulative[i]! }));
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: histogram.count });
  values.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
  values.push({ metricName: `${name}_count`, labels, value: histogram.count });
  return values;
}

/** The type of a dyno name: `web.1` -> `web`. */
export function typeOf(dyno: string): string {
  const dot = dyno.indexOf('.');
  return dot === -1 ? dyno : dyno.slice(0, dot);
}
