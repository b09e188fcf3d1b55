/**
 * The metrics /metrics shows, for OpenTelemetry: a MetricProducer that reads the prom-client registry
 * at each export and hands the SDK the same series as OTLP data (counters as monotonic cumulative sums,
 * gauges as gauges, histograms with their explicit buckets). One set of metrics, two ways out.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type CollectionResult, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

type Values = MetricValue<string>[];

function attributes(labels: Partial<Record<string, string | number>>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(labels)) if (key !== 'le' && value !== undefined) out[key] = String(value);
  return out;
}

function histogramPoints(name: string, values: Values, startTime: HrTime, endTime: HrTime) {
  const series = new Map<string, { attributes: Attributes; bounds: Array<[number, number]>; sum: number; count: number }>();
  for (const value of values) {
    const attrs = attributes(value.labels);
    const key = JSON.stringify(attrs);
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { attributes: attrs, bounds: [], sum: 0, count: 0 }));
    const metricName = (value as { metricName?: string }).metricName ?? name;
    if (metricName.endsWith('_bucket') && value.labels.le !== '+Inf') entry.bounds.push([Number(value.labels.le), value.value]);
    else if (metricName.endsWith('_sum')) entry.sum = value.value;
    else if (metricName.endsWith('_count')) entry.count = value.value;
  }
  return [...series.values()].map((entry) => {
    entry.bounds.sort((a, b) => a[0] - b[0]);
    let below = 0;
    const counts = entry.bounds.map(([, cumulative]) => {
      const count = cumulative - below;
      below = cumulative;
      return count;
    });
    counts.push(entry.count - below);
    return {
      startTime, endTime, attributes: entry.attributes,
      value: { buckets: { boundaries: entry.bounds.map(([bound]) => bound), counts }, sum: entry.sum, count: entry.count },
    };
  });
}

function toMetricData(metric: MetricObjectWithValues<MetricValue<string>>, startTime: HrTime, endTime: HrTime): MetricData | undefined {
  const descriptor = { name: metric.name, description: metric.help, unit: '', valueType: ValueType.DOUBLE };
  const points = () => metric.values.map((value) => ({ startTime, endTime, attributes: attributes(value.labels), value: value.value }));
  const temporality = AggregationTemporality.CUMULATIVE;
  switch (String(metric.type)) {
    case 'counter': return { descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: points() };
    case 'gauge': return { descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.GAUGE, dataPoints: points() };
    case 'histogram': return { descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.HISTOGRAM, dataPoints: histogramPoints(metric.name, metric.values, startTime, endTime) };
    default: return undefined; // summaries: prom-client's default metrics have none
  }
}

export class PromBridge implements MetricProducer {
  private readonly startTime = millisToHrTime(Date.now());

  constructor(private readonly registry: Registry) {}

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(Date.now());
    const metrics = (await this.registry.getMetricsAsJSON()).flatMap((metric) => {
      const data = toMetricData(metric as MetricObjectWithValues<MetricValue<string>>, this.startTime, endTime);
      return data && data.dataPoints.length > 0 ? [data] : [];
    });
    return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: { name: 'twelve' }, metrics }] }, errors: [] };
  }
}
