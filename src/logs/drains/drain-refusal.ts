/**
 * What an HTTP drain's refusal means for the batch it refused. A 5xx, 408 or 429 is a receiver that may
 * take the same batch later: retried, with backoff. Any other 4xx would refuse it again forever, and a
 * drain that retried it would deliver nothing else (its buffer finally overflowing): a 413 batch is split
 * in halves, as a smaller body may pass, and a refused single message, or a batch refused for another
 * reason, is dropped and reported.
 */
import { STATUS_CODES } from 'node:http';

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
  if (status < 400 || status >= 500 || status === 408 || status === 429) return 'retry';
  return status === 413 && count > 1 ? 'split' : 'drop';
}
