/**
 * One drain at work: a bounded buffer fed by the app's stream and a sender that empties it in batches,
 * one batch at a time, retrying with backoff while the receiver is down. A batch, once formed, is retried
 * as it is (same events, same frame id) so a receiver can drop a duplicate; newer events wait for the
 * next batch. Nothing here ever blocks the publisher: a push is an array append.
 */
import { randomUUID } from 'node:crypto';
import { errorText } from '../../errors.js';
import type { LogEvent } from '../log-event.js';
import { DrainBuffer } from './drain-buffer.js';
import { type DrainRefusal, refusalOutcome } from './drain-refusal.js';
import { frameBytes } from './syslog-frame.js';
import type { Batch, Transport } from './transport.js';

/**
 * The most a batch holds, in bytes of its frames: 1 MiB, the default body limit of common receivers
 * (nginx's client_max_body_size); Heroku's batches are small too. One message (at most 64 KiB) always fits.
 */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** `stalled`: connected, but the receiver takes nothing of what waits (a syslog receiver that does not read). */
export type DrainState = 'connecting' | 'up' | 'stalled' | 'retrying' | 'stopped';

export interface DrainStats {
  state: DrainState;
  /** Events waiting, in the buffer and on the way. */
  buffered: number;
  /** How old the oldest waiting event is, in milliseconds (0 when nothing waits). */
  lagMs: number;
  sent: number;
  dropped: number;
  lastError: string | null;
  /** When the next attempt is due (ISO), while retrying. */
  retryAt: string | null;
}

export interface DrainOptions {
  capacity: number;
  batchSize: number;
  /** The most a batch holds in bytes (default MAX_BATCH_BYTES). */
  batchBytes?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Called when the drain starts retrying, stalls, or is up again. */
  onState?(state: DrainState, error: string | null): void;
  /**
   * Called after each batch the drain is done with (delivered, or refused for good) with the id of its
   * last event: a restart resumes after it.
   */
  onSent?(lastId: number): void;
  /** Called when the receiver refused `events` for good and they were dropped. */
  onRefused?(events: LogEvent[], refusal: DrainRefusal): void;
}

export class Drain {
  private readonly buffer: DrainBuffer;
  /** Batches formed and not delivered yet, the first on its way (more than one after a 413 split). */
  private pending: Batch[] = [];
  /** Messages the receiver refused for good, dropped. */
  private refused = 0;
  private pumping = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private delay: number;
  private state: DrainState = 'connecting';
  private sent = 0;
  private lastError: string | null = null;

  constructor(private readonly transport: Transport, private readonly options: DrainOptions) {
    this.buffer = new DrainBuffer(options.capacity);
    this.delay = options.firstRetryMs ?? 500;
  }

  push(event: LogEvent): void {
    if (this.state === 'stopped') return;
    this.buffer.push(event);
    if (!this.pumping && this.retryTimer === null) {
      this.pumping = true;
      // Sends start on the next turn, so a burst of lines leaves as one batch.
      setImmediate(() => void this.pump());
    }
  }

  /** Events dropped since the last call, and when the first was (for the L10 report). */
  takeDropped(): { count: number; since: string | null } {
    return this.buffer.takeDropped();
  }

  /** The receiver went away between batches: shown at once, reconnected on the next batch. */
  disconnected(reason: string): void {
    if (this.state === 'up' || this.state === 'stalled') this.state = 'connecting';
    this.lastError = reason;
  }

  /**
   * The connection takes nothing of what waits (`reason`), or takes it again (null). In any state but
   * stopped: a receiver that accepts and never reads may do so from a new drain's first batch on.
   */
  stalled(reason: string | null): void {
    if (reason !== null && this.state !== 'stalled' && this.state !== 'stopped') {
      this.state = 'stalled';
      this.lastError = reason;
      this.options.onState?.('stalled', reason);
    } else if (reason === null && this.state === 'stalled') {
      this.answered(null);
    }
  }

  stats(): DrainStats {
    const oldest = this.pending[0]?.events[0] ?? this.buffer.oldest();
    return {
      state: this.state, buffered: this.waiting(),
      lagMs: oldest ? Math.max(0, Date.now() - Date.parse(oldest.time)) : 0,
      sent: this.sent, dropped: this.buffer.dropped + this.refused, lastError: this.lastError,
      retryAt: this.retryTimer ? new Date(this.retryAt).toISOString() : null,
    };
  }

  /** Waits (up to `timeoutMs`) for the buffer to empty, then stops sending for good. */
  async stop(timeoutMs = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.state === 'up' && this.waiting() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.state = 'stopped';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.transport.close();
  }

  private waiting(): number {
    return this.buffer.length + this.pending.reduce((sum, batch) => sum + batch.events.length, 0);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while ((this.pending.length > 0 || this.buffer.length > 0) && this.state !== 'stopped') {
        if (this.pending.length === 0) {
          const events = this.buffer.take(this.options.batchSize, this.options.batchBytes ?? MAX_BATCH_BYTES, frameBytes);
          this.pending.push({ frameId: randomUUID(), events });
        }
        const batch = this.pending[0]!;
        try {
          await this.transport.send(batch);
        } catch (error) {
          if ((this.state as DrainState) === 'stopped') return;
          const outcome = refusalOutcome(error, batch.events.length);
          if (outcome === 'retry') {
            this.retryLater(error);
            return;
          }
          this.pending.shift();
          if (outcome === 'split') this.pending.unshift(...halves(batch.events));
          else this.giveUp(batch, error as DrainRefusal);
          continue;
        }
        // Stopped while the batch was on its way (the drain was removed, or twelve stops): nothing more.
        if ((this.state as DrainState) === 'stopped') return;
        this.pending.shift();
        this.buffer.settle(batch.events);
        this.sent += batch.events.length;
        this.options.onSent?.(batch.events.at(-1)!.id);
        this.answered(null);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * The receiver took the batch (error null) or refused it for good, or reads again after a stall: either
   * way it is up, unless the drain was stopped meanwhile.
   */
  private answered(error: string | null): void {
    if (this.state === 'stopped') return;
    const was = this.state;
    this.state = 'up';
    // From `connecting` too: a stalled connection may have closed before the drain had more to send.
    if (was !== 'up') this.options.onState?.('up', null);
    this.lastError = error;
    this.delay = this.options.firstRetryMs ?? 500;
  }

  /** A batch the receiver will never take: dropped and counted, so that the ones after it can go. */
  private giveUp(batch: Batch, refusal: DrainRefusal): void {
    this.buffer.settle(batch.events);
    this.refused += batch.events.length;
    // Not resent after a restart either: it would be refused again.
    this.options.onSent?.(batch.events.at(-1)!.id);
    // Said once per report (drain-manager.ts), and shown by `twelve drains` until a batch is delivered.
    this.answered(`${refusal.message}; ${batch.events.length} messages dropped`);
    this.options.onRefused?.(batch.events, refusal);
  }

  private retryLater(error: unknown): void {
    const was = this.state;
    this.state = 'retrying';
    this.lastError = errorText(error);
    if (was !== 'retrying' && was !== 'stalled') this.options.onState?.('retrying', this.lastError);
    this.retryAt = Date.now() + this.delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.pump();
    }, this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, this.options.maxRetryMs ?? 30_000);
  }
}

/** A refused batch (413) as two new ones, each half of it, in order. */
function halves(events: LogEvent[]): Batch[] {
  const middle = Math.ceil(events.length / 2);
  return [events.slice(0, middle), events.slice(middle)].map((half) => ({ frameId: randomUUID(), events: half }));
}
