/**
 * A drain's bounded queue of events: pushing past the bound drops the oldest and counts them. Bounded in
 * events and in the bytes of their text: 20,000 lines of the longest kind (64 KiB) would be over a
 * gigabyte per drain.
 */
import type { LogEvent } from '../log-event.js';

/** The text a buffer holds at most by default: 20,000 lines of 800 characters. */
export const DRAIN_BUFFER_BYTES = 16 * 1024 * 1024;

export class DrainBuffer {
  private items: LogEvent[] = [];
  private head = 0;
  /** Characters of text held (what the events cost, near enough). */
  private bytes = 0;
  /** Events dropped since the counter was last taken. */
  private droppedSince = 0;
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

  /** Takes up to `count` of the oldest events out. */
  take(count: number): LogEvent[] {
    const batch = this.items.slice(this.head, this.head + count);
    this.head += batch.length;
    for (const event of batch) this.bytes -= event.text.length;
    this.compact();
    return batch;
  }

  /** Puts a batch that could not be sent back in front; what no longer fits is dropped, oldest first. */
  putBack(batch: LogEvent[]): void {
    this.items = [...batch, ...this.items.slice(this.head)];
    this.head = 0;
    for (const event of batch) this.bytes += event.text.length;
    this.trim();
  }

  oldest(): LogEvent | undefined {
    return this.items[this.head];
  }

  /** How many were dropped since the last call, and resets that count. */
  takeDropped(): number {
    const count = this.droppedSince;
    this.droppedSince = 0;
    return count;
  }

  /** Drops the oldest events until both bounds hold (the newest event stays, however long). */
  private trim(): void {
    let count = Math.max(0, this.length - this.capacity);
    let bytes = this.bytes;
    for (let i = 0; i < count; i += 1) bytes -= this.items[this.head + i]!.text.length;
    while (bytes > this.maxBytes && count < this.length - 1) {
      bytes -= this.items[this.head + count]!.text.length;
      count += 1;
    }
    if (count === 0) return;
    this.head += count;
    this.bytes = bytes;
    this.dropped += count;
    this.droppedSince += count;
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
