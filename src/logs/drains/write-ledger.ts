/**
 * What was written to one syslog connection, and how far the receiver's machine has acknowledged it
 * (TCP's acknowledgements, read from the kernel: socket-state.ts). Syslog has no acknowledgements of its
 * own, so when the connection ends badly this is what bounds the loss: every write not wholly
 * acknowledged, and, for a reset, what was written in the last moments too (acknowledged bytes the
 * receiver had not read yet are lost with the reset, and which those were is not known here).
 */
interface Write {
  at: number;
  count: number;
  /** The offset just past the write's last byte, counted from the connection's first. */
  end: number;
}

export class WriteLedger {
  private writes: Write[] = [];
  /** Bytes handed to the kernel. */
  written = 0;
  /** Bytes the receiver's machine acknowledged, as last seen. */
  acknowledged = 0;

  constructor(private readonly keepMs: number) {}

  /** A write of `count` messages, `bytes` long, handed to the kernel. */
  record(count: number, bytes: number, now = Date.now()): void {
    this.written += bytes;
    this.writes.push({ at: now, count, end: this.written });
    this.forget(now);
  }

  /** Notes how far the receiver acknowledged; true when that moved on since the last look. */
  observe(acknowledged: number, now = Date.now()): boolean {
    const moved = acknowledged > this.acknowledged;
    if (moved) this.acknowledged = acknowledged;
    this.forget(now);
    return moved;
  }

  /** Bytes written and not acknowledged, as last seen. */
  get outstanding(): number {
    return this.written - this.acknowledged;
  }

  /** Messages of the writes not wholly acknowledged, and of those made since `since` (epoch ms). */
  atRisk(since = Infinity): number {
    return this.writes.filter((write) => write.end > this.acknowledged || write.at >= since).reduce((sum, write) => sum + write.count, 0);
  }

  // Writes acknowledged and older than keepMs can no longer be at risk.
  private forget(now: number): void {
    let drop = 0;
    while (drop < this.writes.length && this.writes[drop]!.end <= this.acknowledged && this.writes[drop]!.at < now - this.keepMs) drop += 1;
    if (drop > 0) this.writes.splice(0, drop);
  }
}
