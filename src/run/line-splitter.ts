/**
 * Turns a process's output chunks into blocks of whole lines: keeps a partial line until its newline,
 * caps runaway lines. The complete lines of one chunk are handed over as the bytes they came in (each
 * line ending with `\n`) with their count, so nothing after this (the log store, live tails) converts,
 * copies or looks at lines one by one on the hot path: a chatty process costs a few native calls per
 * pipe read, not a few per line.
 */

import { countNewlines } from './count-newlines.js';

/** A line longer than this (in bytes, 64 KiB) is cut into pieces so one print cannot eat memory. */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const NEWLINE_BYTES = Buffer.from('\n');

/** `count` lines, each ending with `\n`, as UTF-8 bytes (the process's own, not checked). */
export type OnBlock = (bytes: Buffer, count: number) => void;

export class LineSplitter {
  // Bytes after the last newline seen. Lines are cut at newline bytes, which never occur inside a
  // multi-byte UTF-8 character, so a character split across two reads stays whole.
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly onBlock: OnBlock, private readonly maxLineBytes = MAX_LINE_BYTES) {}

  write(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.keep(bytes);
      return;
    }
    let from = 0;
    if (this.partial.length > 0) {
      // The line that was waiting is finished on its own: joining it to the rest of the read would copy
      // the whole read into fresh memory, which cost more than everything else done with it.
      from = bytes.indexOf(NEWLINE) + 1;
      this.emit(Buffer.concat([this.partial, bytes.subarray(0, from)]));
    }
    // A copy: the chunk may be a view of a read buffer that the next read overwrites.
    this.partial = Buffer.from(bytes.subarray(last + 1));
    if (last + 1 > from) this.emit(bytes.subarray(from, last + 1));
    if (this.partial.length > this.maxLineBytes) this.keep(Buffer.alloc(0));
  }

  /** Emits what is left (a last line without its newline); call when the stream has ended. */
  end(): void {
    const rest = this.partial;
    this.partial = Buffer.alloc(0);
    if (rest.length > 0) this.emit(Buffer.concat([rest, NEWLINE_BYTES]));
  }

  /** Holds bytes of an unfinished line, cutting off full-size pieces of a runaway one. */
  private keep(bytes: Buffer): void {
    let partial = this.partial.length > 0 ? Buffer.concat([this.partial, bytes]) : Buffer.from(bytes);
    // Only a line over the cap is cut: one of exactly the cap may still end with the next byte.
    while (partial.length > this.maxLineBytes) {
      const cut = characterBoundary(partial, this.maxLineBytes);
      this.emit(Buffer.concat([partial.subarray(0, cut), NEWLINE_BYTES]));
      partial = partial.subarray(cut);
    }
    this.partial = Buffer.from(partial);
  }

  /** Complete lines, each ending with a newline: the fast path only counts them (count-newlines.ts). */
  private emit(lines: Buffer): void {
    if (linesFitCap(lines, this.maxLineBytes) && lines.indexOf(CARRIAGE_RETURN) === -1) {
      this.onBlock(lines, countNewlines(lines));
      return;
    }
    this.emitSlowly(lines.subarray(0, lines.length - 1));
  }

  /** CRLF line ends and lines over the cap: line by line, still as bytes (invalid UTF-8 stays as it was). */
  private emitSlowly(lines: Buffer): void {
    const pieces: Buffer[] = [];
    let count = 0;
    let start = 0;
    for (;;) {
      const at = lines.indexOf(NEWLINE, start);
      let line = lines.subarray(start, at === -1 ? lines.length : at);
      if (line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, -1);
      while (line.length > this.maxLineBytes) {
        const cut = characterBoundary(line, this.maxLineBytes);
        pieces.push(line.subarray(0, cut), NEWLINE_BYTES);
        count += 1;
        line = line.subarray(cut);
      }
      pieces.push(line, NEWLINE_BYTES);
      count += 1;
      if (at === -1) break;
      start = at + 1;
    }
    this.onBlock(Buffer.concat(pieces), count);
  }
}

/**
 * Whether no line of a block (lines each ending with `\n`) is longer than `max` bytes. One backward
 * search per `max` bytes, not one per line: each line must end within `max` bytes of its start.
 */
export function linesFitCap(lines: Buffer, max: number): boolean {
  let start = 0;
  // The block's own last byte is a newline: a line starting within `max` bytes of it fits.
  while (lines.length - 1 - start > max) {
    const end = lines.lastIndexOf(NEWLINE, start + max);
    if (end < start) return false;
    start = end + 1;
  }
  return true;
}

/** The largest cut at or before `at` that does not fall inside a UTF-8 character. */
function characterBoundary(bytes: Buffer, at: number): number {
  let cut = at;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes long.
  while (cut > at - 3 && cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut -= 1;
  return cut;
}

/** Where the last `n` lines of a block (lines each ending with `\n`) start. */
export function lastLinesStart(bytes: Buffer, n: number): number {
  // `at` is where the kept lines start; the byte before it is the newline ending the line before them.
  let at = bytes.length;
  for (let i = 0; i < n; i += 1) {
    // A negative offset would count from the end of the buffer: stop at the start instead.
    const newline = at >= 2 ? bytes.lastIndexOf(NEWLINE, at - 2) : -1;
    at = newline + 1;
    if (newline === -1) break;
  }
  return at;
}

/** The last `n` lines of a block (lines each ending with `\n`), oldest first, as text. */
export function lastLinesOf(bytes: Buffer, n: number): string[] {
  const at = lastLinesStart(bytes, n);
  return bytes.toString('utf8', at, Math.max(at, bytes.length - 1)).split('\n');
}
