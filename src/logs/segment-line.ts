/**
 * One event as a line of a segment file: `ID MS SOURCE PROCESS TEXT\n`. Plain text, so `grep` works on
 * the files, and cheap to write: no JSON, no date formatting on the hot path (MS is epoch milliseconds).
 */
import type { LogEvent, LogSource } from './log-event.js';

/** Text never holds a newline here: the bus splits multi-line texts into one event per line. */
export function encodeLine(id: number, ms: number, source: string, process: string, text: string): string {
  return `${id} ${ms} ${source} ${process} ${text}\n`;
}

/** Consecutive events of one process as lines: what is the same for all of them is formatted once. */
export function encodeLines(firstId: number, ms: number, source: string, process: string, texts: readonly string[]): string {
  const middle = ` ${ms} ${source} ${process} `;
  // One flat string from an array join: appending with += would build a rope that costs more to flatten when written.
  const parts = new Array<string>(texts.length);
  for (let i = 0; i < texts.length; i += 1) parts[i] = `${firstId + i}${middle}${texts[i]}\n`;
  return parts.join('');
}

/** The event of one line (without its newline), or undefined for a torn or foreign line. */
export function decodeLine(app: string, line: string): (LogEvent & { ms: number }) | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  const d = line.indexOf(' ', c + 1);
  if (a <= 0 || b < 0 || c < 0 || d < 0) return undefined;
  const id = Number(line.slice(0, a));
  const ms = Number(line.slice(a + 1, b));
  if (!Number.isSafeInteger(id) || !Number.isFinite(ms)) return undefined;
  return {
    id, ms, time: new Date(ms).toISOString(), app, source: line.slice(b + 1, c) as LogSource,
    process: line.slice(c + 1, d), text: line.slice(d + 1),
  };
}

/** The id a line starts with, without decoding the rest (to find where a resumed read starts). */
export function lineId(line: string): number {
  return Number(line.slice(0, line.indexOf(' ')));
}
