/** What one process says (its output) and what twelve says about it, published to the app's log stream. */
import type pino from 'pino';
import type { LogBus } from '../logs/log-bus.js';
import { lastLinesOf } from './line-splitter.js';

/** How many output lines a failed boot reports. */
const LAST_LINES = 20;

export class ProcessLog {
  /** The most recent output lines, oldest first. */
  readonly lastLines: string[] = [];

  constructor(
    private readonly logs: LogBus, private readonly logger: pino.Logger,
    private readonly app: string, private readonly process: string,
  ) {}

  /** Lines of the process's own output (`count` lines, each ending with `\n`), published as one batch. */
  block(bytes: Buffer, count: number): void {
    const last = lastLinesOf(bytes, Math.min(count, LAST_LINES));
    if (last.length >= LAST_LINES) this.lastLines.splice(0, this.lastLines.length, ...last);
    else {
      this.lastLines.push(...last);
      if (this.lastLines.length > LAST_LINES) this.lastLines.splice(0, this.lastLines.length - LAST_LINES);
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
