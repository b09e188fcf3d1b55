/** What one process says (its output) and what twelve says about it, published to the app's log stream. */
import type pino from 'pino';
import type { LogBus } from '../logs/log-bus.js';
import { lastLinesOf, lastLinesStart } from './line-splitter.js';

/** How many output lines a failed boot reports. */
const LAST_LINES = 20;

export class ProcessLog {
  // The ends of recent blocks, copied as bytes (a block's own bytes are a read buffer reused next), that
  // hold at least the last LAST_LINES lines. Decoded only when asked: a chatty process would otherwise
  // make twenty strings per read that nobody reads.
  private recent: Array<{ bytes: Buffer; count: number }> = [];
  private recentCount = 0;

  constructor(
    private readonly logs: LogBus, private readonly logger: pino.Logger,
    private readonly app: string, private readonly process: string,
  ) {}

  /** The most recent output lines, oldest first (at most 20). */
  get lastLines(): string[] {
    if (this.recent.length === 0) return [];
    return lastLinesOf(Buffer.concat(this.recent.map((piece) => piece.bytes)), Math.min(this.recentCount, LAST_LINES));
  }

  /** Lines of the process's own output (`count` lines, each ending with `\n`), published as one batch. */
  block(bytes: Buffer, count: number): void {
    const kept = Math.min(count, LAST_LINES);
    const piece = { bytes: Buffer.from(bytes.subarray(lastLinesStart(bytes, kept))), count: kept };
    if (kept >= LAST_LINES) {
      this.recent = [piece];
      this.recentCount = kept;
    } else {
      this.recent.push(piece);
      this.recentCount += kept;
      while (this.recentCount - this.recent[0]!.count >= LAST_LINES) this.recentCount -= this.recent.shift()!.count;
    }
    try {
      this.logs.publishBlock(this.app, 'app', this.process, bytes, count);
    } catch (error) {
      this.logger.error({ err: error, app: this.app }, 'a log subscriber threw');
    }
  }

  /** A platform event, in Heroku's words (`State changed from starting to up`). */
  say(text: string): void {
    this.publish('twelve', text);
  }

  private publish(source: 'app' | 'twelve', text: string): void {
    // A throwing log subscriber must not take the supervisor down with it.
    try {
      this.logs.publish(this.app, source, this.process, text);
    } catch (error) {
      this.logger.error({ err: error, app: this.app }, 'a log subscriber threw');
    }
  }
}
