/**
 * One drain at work: a bounded buffer fed by the app's stream and a sender that empties it in batches,
 * one batch at a time, retrying with backoff while the receiver is down. Nothing here ever blocks the
 * publisher: a push is an array append.
 */
import type { LogEvent } from '../log-event.js';
import { DrainBuffer } from './drain-buffer.js';
import type { Transport } from './transport.js';

export type DrainState = 'connecting' | 'up' | 'retrying' | 'stopped';

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
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Called when the drain starts retrying or is up again. */
  onState?(state: DrainState, error: string | null): void;
  /** Called after each delivered batch with the id of its last event. */
  onSent?(lastId: number): void;
}

export class Drain {
  private readonly buffer: DrainBuffer;
  private inFlight: LogEvent[] = [];
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

  /** Events dropped since the last call (for the L10 report). */
  takeDropped(): number {
    return this.buffer.takeDropped();
  }

  /** The receiver went away between batches: shown at once, reconnected on the next batch. */
  disconnected(reason: string): void {
    if (this.state === 'up') this.state = 'connecting';
    this.lastError = reason;
  }

  stats(): DrainStats {
    const oldest = this.inFlight[0] ?? this.buffer.oldest();
    return {
      state: this.state, buffered: this.buffer.length + this.inFlight.length,
      lagMs: oldest ? Math.max(0, Date.now() - Date.parse(oldest.time)) : 0,
      sent: this.sent, dropped: this.buffer.dropped, lastError: this.lastError,
      retryAt: this.retryTimer ? new Date(this.retryAt).toISOString() : null,
    };
  }

  /** Waits (up to `timeoutMs`) for the buffer to empty, then stops sending for good. */
  async stop(timeoutMs = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.state === 'up' && this.buffer.length + this.inFlight.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.state = 'stopped';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.transport.close();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.buffer.length > 0 && this.state !== 'stopped') {
        this.inFlight = this.buffer.take(this.options.batchSize);
        try {
          await this.transport.send(this.inFlight);
        } catch (error) {
          if ((this.state as DrainState) !== 'stopped') this.retryLater(error);
          return;
        }
        this.sent += this.inFlight.length;
        this.options.onSent?.(this.inFlight.at(-1)!.id);
        this.inFlight = [];
        const was = this.state;
        this.state = 'up';
        if (was === 'retrying') this.options.onState?.('up', null);
        this.lastError = null;
        this.delay = this.options.firstRetryMs ?? 500;
      }
    } finally {
      this.pumping = false;
    }
  }

  private retryLater(error: unknown): void {
    this.buffer.putBack(this.inFlight);
    this.inFlight = [];
    const was = this.state;
    this.state = 'retrying';
    this.lastError = error instanceof Error ? error.message : String(error);
    if (was !== 'retrying') this.options.onState?.('retrying', this.lastError);
    this.retryAt = Date.now() + this.delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.pump();
    }, this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, this.options.maxRetryMs ?? 30_000);
  }
}
