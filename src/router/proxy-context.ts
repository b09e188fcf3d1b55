/** What every client connection and exchange shares: the table, the pool, the log outlets, the limits and the retry rule. */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LogBus } from '../logs/log-bus.js';
import type { BackendPool } from './backend-pool.js';
import { reasonPhrase, renderErrorPage, type RouterErrorCode } from './error-pages.js';
import type { RequestLogBatcher } from './request-log-batcher.js';
import type { RouteTable } from './route-table.js';
import type { RequestCounter } from './request-counter.js';
import type { RequestTracer } from './request-tracer.js';
import { formatRequestLog, type RequestLogEntry } from './request-log.js';

/** The router's limits and timeouts; docs/router.md lists the defaults and why. */
export interface RouterLimits {
  /** How long a backend may take to start its response (Heroku's 30 s). */
  requestTimeoutMs: number;
  /** How long a client may take to send a whole request head, from its first byte (slowloris). */
  headersTimeoutMs: number;
  /** How long a keep-alive client connection may sit idle between requests. */
  idleTimeoutMs: number;
  /** Once a response started, how long either side may go silent mid-body (Heroku's 55 s window). */
  activityTimeoutMs: number;
  /** Request line plus header fields, in bytes. */
  maxHeadBytes: number;
  maxRequestLineBytes: number;
  maxHeaderFields: number;
  /** Request body bytes (Content-Length, or the sum of chunk sizes). */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: RouterLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 75_000,
  activityTimeoutMs: 55_000,
  maxHeadBytes: 32 * 1024,
  maxRequestLineBytes: 8 * 1024,
  maxHeaderFields: 100,
  maxBodyBytes: 100 * 1024 * 1024,
};

export interface ProxyContext {
  table: RouteTable;
  logs: LogBus;
  /** Router lines go out once per turn of the event loop, per app. */
  requestLog: RequestLogBatcher;
  logger: Logger;
  pool: BackendPool;
  limits: RouterLimits;
  /** Per-request counts for /metrics; absent when telemetry is off. */
  counters: RequestCounter | undefined;
  /** A span per request with the traceparent the app gets; absent unless TWELVE_OTLP_ENDPOINT is set. */
  tracer: RequestTracer | undefined;
  /** True once the router is closing: responses then ask the client to close the connection. */
  isClosing(): boolean;
  /** ACME HTTP-01 key authorizations by token, answered on the plain port (https-policy.ts). */
  challenges: ReadonlyMap<string, string> | undefined;
  /** The https port, for force-https redirects; 0 until the TLS listener listens. */
  httpsPort: number;
}

/** Publishes the request's router line to the app's log stream (never for unknown hosts). */
export function logRequest(context: ProxyContext, app: string, entry: RequestLogEntry): void {
  context.requestLog.add(app, formatRequestLog(entry));
}

/**
 * Whether a failed attempt may be sent to another backend: only when the backend cannot have seen the
 * request. A refused connection never reached it; a reset or close on a reused keep-alive socket before
 * any answer means the backend closed that idle socket as we wrote to it, which is safe to repeat as long
 * as every byte sent can be sent again (the body is not buffered beyond what came with the head).
 */
export function canRetry(error: NodeJS.ErrnoException | undefined, attempt: { reused: boolean; bodyStreamed: boolean }): boolean {
  if (attempt.bodyStreamed) return false;
  if (error?.code === 'ECONNREFUSED') return true;
  return attempt.reused;
}

/** How many backends one request may try: the first and one retry. */
export const MAX_ATTEMPTS = 2;

/**
 * Writes a router error page as a whole response on a raw client socket; returns the body size.
 * A HEAD request gets the head only.
 */
export function writeErrorPage(socket: Socket, code: RouterErrorCode, message: string,
  options: { accept?: string; requestId: string; close: boolean; head: boolean }): number {
  const page = renderErrorPage(code, message, { accept: options.accept, requestId: options.requestId });
  let text = `HTTP/1.1 ${page.status} ${reasonPhrase(page.status)}\r\n`;
  for (const [name, value] of Object.entries(page.headers)) text += `${name}: ${value}\r\n`;
  if (options.close) text += 'connection: close\r\n';
  if (!socket.writable) return 0;
  socket.write(options.head ? Buffer.from(`${text}\r\n`, 'latin1') : Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), page.body]));
  return options.head ? 0 : page.body.length;
}
