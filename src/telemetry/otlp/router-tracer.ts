/**
 * The router's spans through the OpenTelemetry SDK: one SERVER span per request, the child of the
 * client's traceparent when it sent a valid one (a new trace otherwise); the app gets this span as its
 * parent in the traceparent the router forwards. Its attributes follow the HTTP semantic conventions.
 */
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RequestOutcome, RequestSpan, RequestTracer } from '../../router/request-tracer.js';

const propagator = new W3CTraceContextPropagator();

export class RouterTracer implements RequestTracer {
  constructor(private readonly tracer: Tracer) {}

  start(incoming: string | undefined, method: string, host: string, target: string): RequestSpan {
    const parent = incoming === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent: incoming }, defaultTextMapGetter);
    const query = target.indexOf('?');
    const span = this.tracer.startSpan(method, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'server.address': host, 'url.path': query === -1 ? target : target.slice(0, query), 'url.scheme': 'http' },
    }, parent);
    const ids = span.spanContext();
    const traceparent = `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}`;
    return {
      traceparent,
      end(outcome: RequestOutcome): void {
        span.setAttributes({
          'http.response.status_code': outcome.status, 'twelve.app': outcome.app, 'twelve.dyno': outcome.dyno,
          'twelve.request_id': outcome.requestId, 'http.response.body.size': outcome.responseBytes,
        });
        if (outcome.firstByteMs === outcome.firstByteMs) span.setAttribute('twelve.first_byte_ms', outcome.firstByteMs);
        if (outcome.code !== undefined) span.setAttribute('twelve.router.code', outcome.code);
        // A server span is an error for a 5xx only (the semantic conventions' rule).
        if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.code });
        span.end();
      },
    };
  }
}
