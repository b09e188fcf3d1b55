/** What the HTTP proxy and the upgrade proxy share: the table, the log outlets, the timeouts and the retry rule. */
import type { Agent } from 'node:http';
import type { Logger } from 'pino';
import type { LogBus } from '../logs/log-bus.js';
import type { RouteTable } from './route-table.js';
import { formatRequestLog, type RequestLogEntry } from './request-log.js';

export interface ProxyContext {
  table: RouteTable;
  logs: LogBus;
  logger: Logger;
  /** Keep-alive agent for plain requests to backends (upgrades get their own connection). */
  agent: Agent;
  /** How long a backend may take to start its response. */
  requestTimeoutMs: number;
  /** True once the router is closing: responses then ask the client to close the connection. */
  isClosing(): boolean;
}

/** Publishes the request's router line to the app's log stream (never for unknown hosts). */
export function logRequest(context: ProxyContext, app: string, entry: RequestLogEntry): void {
  context.logs.publish(app, 'router', 'router', formatRequestLog(entry));
}

/** Milliseconds since an earlier performance.now() reading. */
export function since(start: number): number {
  return performance.now() - start;
}

/**
 * Whether a failed attempt may be sent to another backend: only when the backend cannot have seen the
 * request. A refused connection never reached it; a reset on a reused keep-alive socket means the
 * backend closed that idle socket as we wrote to it, which is safe to repeat as long as no byte of the
 * client's body was consumed (the body is not buffered, so it could not be sent again).
 */
export function canRetry(error: NodeJS.ErrnoException, attempt: { reusedSocket: boolean; bodyConsumed: boolean; responded: boolean }): boolean {
  if (attempt.responded || attempt.bodyConsumed) return false;
  if (error.code === 'ECONNREFUSED') return true;
  return error.code === 'ECONNRESET' && attempt.reusedSocket;
}

/** How many backends one request may try: the first and one retry. */
export const MAX_ATTEMPTS = 2;
