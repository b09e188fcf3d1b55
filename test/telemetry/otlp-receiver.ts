/**
 * A test OTLP/HTTP receiver: decodes the protobuf bodies twelve pushes with the classes the OpenTelemetry
 * project generated from the official opentelemetry-proto definitions (shipped in
 * @opentelemetry/otlp-transformer 0.57, installed as `otlp-proto-definitions`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
interface Decoder { decode(bytes: Uint8Array): unknown; toObject(message: unknown, options: object): unknown }
const root = require('otlp-proto-definitions/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, Decoder> }; metrics: { v1: Record<string, Decoder> } } } };
};
const { trace, metrics } = root.opentelemetry.proto.collector;

export interface KeyValue { key: string; value: { stringValue?: string; intValue?: string; doubleValue?: number } }
export interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: KeyValue[]; status?: { code?: number } }
export interface OtlpDataPoint { attributes: KeyValue[]; asDouble?: number; count?: string; sum?: number; bucketCounts?: string[]; explicitBounds?: number[] }
export interface OtlpMetric { name: string; sum?: { dataPoints: OtlpDataPoint[]; isMonotonic: boolean }; gauge?: { dataPoints: OtlpDataPoint[] }; histogram?: { dataPoints: OtlpDataPoint[] } }
interface ResourceHolder { resource?: { attributes: KeyValue[] } }

/** Ids as lowercase hex, 64-bit numbers as strings, enums as numbers: what assertions compare easily. */
const OPTIONS = { longs: String, bytes: String, enums: Number, defaults: false, arrays: true };

function hex(base64: string | undefined): string | undefined {
  return base64 === undefined || base64 === '' ? undefined : Buffer.from(base64, 'base64').toString('hex');
}

export function attribute(attributes: readonly KeyValue[], key: string): string | number | undefined {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : value?.doubleValue);
}

export class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly metricBatches: Array<{ resource: KeyValue[]; metrics: OtlpMetric[] }> = [];
  readonly contentTypes = new Set<string>();
  private server: http.Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.contentTypes.add(request.headers['content-type'] ?? '');
        this.receive(request.url ?? '', Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private receive(path: string, body: Buffer): void {
    if (path === '/v1/traces') {
      const type = trace.v1.ExportTraceServiceRequest!;
      const request = type.toObject(type.decode(body), OPTIONS) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const resourceSpans of request.resourceSpans) {
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) this.spans.push({ ...span, traceId: hex(span.traceId)!, spanId: hex(span.spanId)!, parentSpanId: hex(span.parentSpanId) });
        }
      }
    } else if (path === '/v1/metrics') {
      const type = metrics.v1.ExportMetricsServiceRequest!;
      const request = type.toObject(type.decode(body), OPTIONS) as { resourceMetrics: Array<ResourceHolder & { scopeMetrics: Array<{ metrics: OtlpMetric[] }> }> };
      for (const resourceMetrics of request.resourceMetrics) {
        this.metricBatches.push({ resource: resourceMetrics.resource?.attributes ?? [], metrics: resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics) });
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
