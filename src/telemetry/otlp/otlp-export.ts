/**
 * OpenTelemetry export (TWELVE_OTLP_ENDPOINT): the registry's metrics pushed over OTLP/HTTP protobuf
 * every interval, and the router's request spans in batches. This module and the SDK are imported only
 * when the setting is on, so a twelve without it does not carry them in memory.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Registry } from 'prom-client';
import type { RequestTracer } from '../../router/request-tracer.js';
import { PromBridge } from './prom-bridge.js';
import { RouterTracer } from './router-tracer.js';

export interface OtlpExport {
  tracer: RequestTracer;
  /** Sends what is pending (for at most 2 s: a collector that is down must not hold up twelve's stop), then stops. */
  shutdown(): Promise<void>;
}

export function startOtlp(endpoint: string, registry: Registry, options: { metricsIntervalMs: number; version: string }): OtlpExport {
  const resource = resourceFromAttributes({ 'service.name': 'twelve', 'service.version': options.version });
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
    exportIntervalMillis: options.metricsIntervalMs,
    exportTimeoutMillis: Math.min(options.metricsIntervalMs, 30_000),
    metricProducers: [new PromBridge(registry)],
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  const traces = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), scheduledDelayMillis: 2000 })],
  });
  return {
    tracer: new RouterTracer(traces.getTracer('twelve-router')),
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([meters.shutdown(), traces.shutdown()]),
        new Promise((resolve) => { timer = setTimeout(resolve, 2000); }),
      ]);
      clearTimeout(timer);
    },
  };
}
