/** A drain's bounded queue of events: pushing past the bound drops the oldest and counts them. */
import type { LogEvent } from '../log-event.js';

export class DrainBuffer {
  private items: LogEvent[] = [];
  private head = 0;
  /** Events dropped since the counter was last taken. */
  private droppedSince = 0;
  /** Events dropped in all. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(event: LogEvent): void {
    this.items.push(event);
    if (this.length > this.capacity) this.drop(this.length - this.capacity);
  }

  /** Takes up to `count` of the oldest events out. */
  take(count: number): LogEvent[] {
    const batch = this.items.slice(this.head, this.head + count);
    this.head += batch.length;
    this.compact();
    return batch;
  }

  /** Puts a batch that could not be sent back in front; what no longer fits is dropped, oldest first. */
  putBack(batch: LogEvent[]): void {
    this.items = [...batch, ...this.items.slice(this.head)];
    this.head = 0;
    if (this.length > this.capacity) this.drop(this.length - this.capacity);
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

  private drop(count: number): void {
    this.head += count;
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
