/**
 * What the router asks of counting: one call per finished request and one per retry. twelve's
 * RouterCounters (src/telemetry/router-counters.ts) keeps them for /metrics; the router knows only this.
 */
import type { RouterErrorCode } from './error-pages.js';

export interface RequestCounter {
  /** One finished request; `firstByteS` is NaN when no response head came from a process. */
  record(app: string, dyno: string, status: number, code: RouterErrorCode | undefined, firstByteS: number, totalS: number,
    requestBytes: number, responseBytes: number): void;
  retried(app: string): void;
}
