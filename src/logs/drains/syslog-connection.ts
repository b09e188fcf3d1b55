/**
 * One syslog connection at work: its writes, how far the receiver's machine has acknowledged them, and
 * whether it takes anything at all. A receiver that accepts the connection but never reads fills the
 * kernel's buffers and then takes nothing: the write on its way waits forever, and without a look at the
 * acknowledgements the drain would show `up` with a lag growing for ever. So while bytes wait, the
 * connection is looked at (every second at most): no progress for `stallMs` makes it stalled, which the
 * drain shows; progress again makes it go on.
 */
import type { Socket } from 'node:net';
import { readUnacknowledged } from './socket-state.js';
import type { TransportOptions } from './transport.js';
import { WriteLedger } from './write-ledger.js';

/** How long bytes may wait without the receiver taking any before the connection shows as stalled. */
export const STALL_MS = 5000;

/** How long a failed write waits for the connection's close to learn why it failed. */
const REASON_WAIT_MS = 1000;

/**
 * Bytes written to the socket that libuv has not handed to the kernel yet (`writeQueueSize` of the
 * socket's handle, which Node.js itself reads); undefined where the handle has none.
 */
function libuvQueued(socket: Socket): number | undefined {
  const size = (socket as unknown as { _handle?: { writeQueueSize?: unknown } })._handle?.writeQueueSize;
  return typeof size === 'number' ? size : undefined;
}

export class SyslogConnection {
  readonly ledger: WriteLedger;
  /** Why the connection ended, once it has. */
  reason: string | null = null;
  /** Bytes of the write on its way: handed to the socket, not all to the kernel yet. */
  private pending = 0;
  private stalled = false;
  private lastProgress = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => {};

  constructor(readonly socket: Socket, atRiskMs: number, private readonly options: Pick<TransportOptions, 'stallMs' | 'onStalled'>) {
    this.ledger = new WriteLedger(atRiskMs);
    this.ended = new Promise((resolve) => { this.markEnded = resolve; });
  }

  /** Writes `count` messages; resolves once the kernel has them all. */
  write(bytes: string, count: number): Promise<void> {
    const length = Buffer.byteLength(bytes);
    this.pending = length;
    return new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (error) => {
        this.pending = 0;
        // A write on its way when the receiver reset the connection is called back without an error, yet
        // the kernel threw its bytes away: it failed, and is sent again.
        const failed = error ?? this.socket.errored;
        if (failed) return reject(failed);
        this.ledger.record(count, length);
        resolve();
      });
    });
  }

  /** Notes how far the receiver acknowledged, given what the kernel holds unacknowledged (null: not known, all taken). */
  observe(unacknowledged: number | null): boolean {
    // Node counts the write on its way as waiting until all of it is in the kernel; libuv knows how much
    // of it is not yet. Without that, a receiver that reads slowly but steadily looks stalled while one
    // big write drains (the kernel's unacknowledged bytes stay level as libuv keeps topping them up).
    const notInKernel = this.pending > 0 ? libuvQueued(this.socket) ?? this.socket.writableLength : 0;
    const handed = this.ledger.written + this.pending - notInKernel;
    return this.ledger.observe(handed - (unacknowledged ?? 0));
  }

  watch(): void {
    const stallMs = this.options.stallMs ?? STALL_MS;
    this.timer = setInterval(() => this.check(stallMs), Math.min(1000, stallMs / 4));
    this.timer.unref();
  }

  stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The connection ended: `reason` says how. */
  closed(reason: string): void {
    this.reason = reason;
    this.markEnded();
  }

  /** Why the connection ended, waiting a moment for its end to be known (null if it is not). */
  async closedReason(): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ended, new Promise((resolve) => { timer = setTimeout(resolve, REASON_WAIT_MS); })]);
    clearTimeout(timer);
    return this.reason;
  }

  private check(stallMs: number): void {
    const now = Date.now();
    const moved = this.observe(readUnacknowledged(this.socket));
    const waiting = this.ledger.written + this.pending - this.ledger.acknowledged;
    if (moved || waiting <= 0) {
      this.lastProgress = now;
      if (this.stalled) {
        this.stalled = false;
        this.options.onStalled?.(null);
      }
    } else if (!this.stalled && now - this.lastProgress >= stallMs) {
      this.stalled = true;
      this.options.onStalled?.(`the receiver has taken nothing for ${stallMs / 1000} s, with ${waiting} bytes waiting: it accepts the connection but does not read`);
    }
  }
}
