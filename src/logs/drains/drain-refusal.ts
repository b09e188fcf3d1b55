/**
 * What an HTTP drain's refusal means for the batch it refused, and how a drop is told in the stream. A 5xx, 408 or 429 is a receiver that may
 * take the same batch later: retried, with backoff. A redirect (3xx) is not followed and would answer the
 * same forever: dropped and reported, as other refusals. Any other 4xx would refuse it again forever, and a
 * drain that retried it would deliver nothing else (its buffer finally overflowing): a 413 batch is split
 * in halves, as a smaller body may pass, and a refused single message, or a batch refused for another
 * reason, is dropped and reported.
 */
import { STATUS_CODES } from 'node:http';
import type { LogEvent } from '../log-event.js';

/** A receiver's non-2xx answer to a batch. */
export class DrainRefusal extends Error {
  constructor(readonly status: number) {
    super(`the drain answered ${status}${STATUS_CODES[status] ? ` (${STATUS_CODES[status]})` : ''}`);
    this.name = 'DrainRefusal';
  }
}

export type RefusalOutcome = 'retry' | 'split' | 'drop';

/** What to do with a batch of `count` messages after `error`. */
export function refusalOutcome(error: unknown, count: number): RefusalOutcome {
  if (!(error instanceof DrainRefusal)) return 'retry';
  const { status } = error;
  // A redirect is not followed (a drain posts where it was told): it would answer the same every time.
  if (status >= 300 && status < 400) return 'drop';
  if (status < 300 || status >= 500 || status === 408 || status === 429) return 'retry';
  return status === 413 && count > 1 ? 'split' : 'drop';
}

/**
 * What the app's stream is told when a receiver refused messages for good: which drain (`url`, password
 * masked), how many since when, why, and what to do.
 */
export function refusalReport(url: string, since: string, status: number, count: number): string {
  const refusal = new DrainRefusal(status);
  const what = status === 413
    ? ' even for one message at a time. Raise the receiver\'s request body limit (nginx: client_max_body_size) to at least 1 MB'
    : status < 400
      ? '. twelve does not follow redirects: add the drain again with the URL the receiver redirects to (often https:// instead of http://)'
      : '. Retrying would not change that: check the drain\'s URL and credentials, and what the receiver logs about the refusal';
  const them = count === 1 ? 'it' : 'them';
  return `Drain ${url} refused ${count} message${count === 1 ? '' : 's'} since ${since}; dropped ${them}: ${refusal.message}${what}`;
}

/** Whether an event is one of those reports. */
export function isRefusalReport(event: Pick<LogEvent, 'source' | 'process' | 'text'>): boolean {
  return event.source === 'twelve' && event.process === 'logplex' && /^Drain \S+ refused \d+ messages? since /.test(event.text);
}
