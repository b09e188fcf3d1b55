/**
 * A drain's bounded queue of events: pushing past the bound drops the oldest and counts them. Bounded in
 * events and in the bytes of their text: 20,000 lines of the longest kind (64 KiB) would be over a
 * gigabyte per drain. Events taken out for a batch still count against the bounds until the batch is
 * settled (delivered or given up), as a batch is retried as it was formed and nothing of it is dropped.
 */
import type { LogEvent } from '../log-event.js';

/** The text a buffer holds at most by default: 20,000 lines of 800 characters. */
export const DRAIN_BUFFER_BYTES = 16 * 1024 * 1024;

export class DrainBuffer {
  private items: LogEvent[] = [];
  private head = 0;
  /** Characters of text held (what the events cost, near enough). */
  private bytes = 0;
  /** Events (and characters of their text) taken out in batches not settled yet. */
  private outCount = 0;
  private outBytes = 0;
  /** Events dropped since the counter was last taken. */
  private droppedSince = 0;
  /** When the first of those was dropped (ISO), for the L10 report's "since". */
  private firstDropAt: string | null = null;
  /** Events dropped in all. */
  dropped = 0;

  constructor(readonly capacity: number, readonly maxBytes = DRAIN_BUFFER_BYTES) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(event: LogEvent): void {
    this.items.push(event);
    this.bytes += event.text.length;
    this.trim();
  }

  /**
   * Takes the oldest events out for a batch: up to `count` of them and `maxBytes` as `sizeOf` measures
   * them, and always at least one (however big). They count against the bounds until `settle`.
   */
  take(count: number, maxBytes = Infinity, sizeOf: (event: LogEvent) => number = () => 0): LogEvent[] {
    let end = this.head;
    let size = 0;
    while (end < this.items.length && end - this.head < count) {
      size += sizeOf(this.items[end]!);
      if (size > maxBytes && end > this.head) break;
      end += 1;
    }
    const batch = this.items.slice(this.head, end);
    this.head = end;
    // Out of the waiting bounds into the taken-out ones, until settled.
    for (const event of batch) {
      this.bytes -= event.text.length;
      this.outBytes += event.text.length;
    }
    this.outCount += batch.length;
    this.compact();
    return batch;
  }

  /** A batch taken out was delivered or given up: it no longer counts against the bounds. */
  settle(batch: LogEvent[]): void {
    this.outCount -= batch.length;
    for (const event of batch) this.outBytes -= event.text.length;
  }

  oldest(): LogEvent | undefined {
    return this.items[this.head];
  }

  /** How many were dropped since the last call and when the first of them was, and resets that count. */
  takeDropped(): { count: number; since: string | null } {
    const taken = { count: this.droppedSince, since: this.firstDropAt };
    this.droppedSince = 0;
    this.firstDropAt = null;
    return taken;
  }

  /**
   * Drops the oldest waiting events until both bounds hold, counting the batches taken out (the newest
   * event stays, however long; a batch on its way is never cut).
   */
  private trim(): void {
    let count = Math.min(this.length, Math.max(0, this.length + this.outCount - this.capacity));
    let bytes = this.bytes;
    for (let i = 0; i < count; i += 1) bytes -= this.items[this.head + i]!.text.length;
    while (bytes + this.outBytes > this.maxBytes && count < this.length - 1) {
      bytes -= this.items[this.head + count]!.text.length;
      count += 1;
    }
    if (count === 0) return;
    this.head += count;
    this.bytes = bytes;
    this.dropped += count;
    this.droppedSince += count;
    this.firstDropAt ??= new Date().toISOString();
    this.compact();
  }

  // Now and then rather than a shift per event.
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
