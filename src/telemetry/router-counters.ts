/**
 * What the router counts per request, in plain numbers and fixed histograms keyed by app and dyno: one
 * or two Map lookups and a few additions per request. prom-client reads them only when scraped
 * (metrics-registry.ts). Every label is bounded: apps, their dynos, six status classes, ten T-codes.
 */
import { ROUTER_ERRORS, type RouterErrorCode } from '../router/error-pages.js';
import { FixedHistogram } from './histogram.js';

export const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export const ROUTER_CODES = Object.keys(ROUTER_ERRORS) as RouterErrorCode[];
const CODE_INDEX = new Map<string, number>(ROUTER_CODES.map((code, i) => [code, i]));

/** The dyno label of a request the router answered itself, before any process was tried. */
export const NO_DYNO = 'none';

export interface DynoCounts {
  /** Requests by status class (index: status / 100; 0 for no status). */
  readonly byClass: Float64Array;
  /** Router errors by code, in ROUTER_CODES order. */
  readonly byCode: Float64Array;
}

export interface AppRouterCounts {
  readonly dynos: Map<string, DynoCounts>;
  /** From the start of the exchange to the response head from the process (seconds). */
  readonly firstByte: FixedHistogram;
  /** From the start of the exchange to its end (seconds). */
  readonly total: FixedHistogram;
  requestBytes: number;
  responseBytes: number;
  retries: number;
}

export class RouterCounters {
  readonly apps = new Map<string, AppRouterCounts>();

  /** One finished request; `firstByteS` is NaN when no response head came from a process. */
  record(app: string, dyno: string, status: number, code: RouterErrorCode | undefined, firstByteS: number, totalS: number,
    requestBytes: number, responseBytes: number): void {
    const counts = this.apps.get(app) ?? this.addApp(app);
    const name = dyno === '' ? NO_DYNO : dyno;
    const dynoCounts = counts.dynos.get(name) ?? addDyno(counts, name);
    const statusClass = status >= 100 && status < 600 ? (status / 100) | 0 : 0;
    dynoCounts.byClass[statusClass]! += 1;
    if (code !== undefined) dynoCounts.byCode[CODE_INDEX.get(code)!]! += 1;
    if (firstByteS === firstByteS) counts.firstByte.observe(firstByteS);
    counts.total.observe(totalS);
    counts.requestBytes += requestBytes;
    counts.responseBytes += responseBytes;
  }

  retried(app: string): void {
    (this.apps.get(app) ?? this.addApp(app)).retries += 1;
  }

  /** The app is gone: its series go with it. */
  forget(app: string): void {
    this.apps.delete(app);
  }

  private addApp(app: string): AppRouterCounts {
    const counts: AppRouterCounts = { dynos: new Map(), firstByte: new FixedHistogram(), total: new FixedHistogram(), requestBytes: 0, responseBytes: 0, retries: 0 };
    this.apps.set(app, counts);
    return counts;
  }
}

function addDyno(counts: AppRouterCounts, dyno: string): DynoCounts {
  const dynoCounts = { byClass: new Float64Array(STATUS_CLASSES.length), byCode: new Float64Array(ROUTER_CODES.length) };
  counts.dynos.set(dyno, dynoCounts);
  return dynoCounts;
}
