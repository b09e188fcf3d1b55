/** How a drain's batches leave twelve: one kind per URL scheme, all with the same two calls. */
import type { ConnectionOptions } from 'node:tls';
import type { LogEvent } from '../log-event.js';

/**
 * Events sent together. A batch is formed once and retried as it is, with the same frame id (sent as
 * Logplex-Frame-Id), so that a receiver can tell a retry of a batch it already took and drop it.
 */
export interface Batch {
  frameId: string;
  events: LogEvent[];
}

export interface Transport {
  /**
   * Resolves once the batch is handed over (written to the connection, or answered 2xx); rejects to retry,
   * with a DrainRefusal (drain-refusal.ts) when the receiver answered.
   */
  send(batch: Batch): Promise<void>;
  close(): void;
}

/** TLS options for tests and private CAs (`ca`); the defaults check certificates as usual. */
export interface TransportOptions {
  tls?: ConnectionOptions;
  /** Drain token sent in the Logplex-Drain-Token header. */
  token: string;
  timeoutMs?: number;
  /**
   * A long-lived connection closed between batches. `atRisk`: how many of the last messages written to
   * it the receiver may never have taken (0 when it closed having taken everything).
   */
  onDisconnect?(reason: string, atRisk: number): void;
  /** How long a syslog connection may take nothing of what waits before it is stalled (default 5 s). */
  stallMs?: number;
  /** A syslog connection stopped taking what is written (`reason`), or takes it again (null). */
  onStalled?(reason: string | null): void;
}
