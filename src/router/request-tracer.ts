/**
 * What the router asks of tracing, when it is on (TWELVE_OTLP_ENDPOINT): a span per request that starts
 * or continues the client's W3C trace, whose `traceparent` the app receives. The OpenTelemetry side is
 * in src/telemetry/otlp/, loaded only when tracing is on.
 */

export interface RequestOutcome {
  app: string;
  dyno: string;
  status: number;
  /** The router's error code (T10-T19), if it ended with one. */
  code: string | undefined;
  requestId: string;
  /** Milliseconds from the start to the process's response head; NaN when none came. */
  firstByteMs: number;
  responseBytes: number;
}

export interface RequestSpan {
  /** The header value the app gets: this span as the parent of whatever the app does. */
  readonly traceparent: string;
  end(outcome: RequestOutcome): void;
}

export interface RequestTracer {
  /** A span for a request now starting; `incoming` is the client's traceparent header, if any. */
  start(incoming: string | undefined, method: string, host: string, target: string): RequestSpan;
}
