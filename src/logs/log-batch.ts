/** A batch of log lines as published and stored, and the events it holds. */
import type { LogEvent, LogSource } from './log-event.js';

/**
 * Consecutive events of one process published together: `count` lines with ids firstId, firstId + 1, ...
 * The lines stay the bytes they came in from the pipe: readers that need them one by one decode and
 * split them (`batchLines`); the hot path (the store, live tails) writes the bytes as they are.
 */
export interface LogBatch {
  firstId: number;
  count: number;
  time: string;
  ms: number;
  app: string;
  source: LogSource;
  process: string;
  /**
   * The `count` lines as UTF-8, each ending with `\n`. For a listener, valid only during its call (it
   * may be a read buffer that is reused next): a listener that keeps them copies them.
   */
  bytes: Buffer;
}

/** The lines of a batch, one string each. */
export function batchLines(batch: LogBatch): string[] {
  const text = batch.bytes.toString('utf8', 0, batch.bytes.length - 1);
  return batch.count === 1 ? [text] : text.split('\n');
}

/** The events of a batch, one per line. */
export function batchEvents(batch: LogBatch): LogEvent[] {
  return batchLines(batch).map((text, i) => ({
    id: batch.firstId + i, time: batch.time, app: batch.app, source: batch.source, process: batch.process, text,
  }));
}
