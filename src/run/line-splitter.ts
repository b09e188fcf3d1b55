/**
 * Turns a process's output chunks into lines: keeps a partial line until its newline, caps runaway
 * lines. The lines of one chunk are handed over together, so everything after this (the log store, live
 * tails) pays its fixed costs once per chunk, not once per line.
 */
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this (in characters, about 64 KiB) is cut into pieces so one print cannot eat memory. */
export const MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  // The decoder keeps a multi-byte character that straddles two chunks whole.
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLines: (lines: string[]) => void, private readonly maxLineChars = MAX_LINE_CHARS) {}

  write(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.collect(lines, text.slice(start, newline));
      start = newline + 1;
    }
    this.partial = text.slice(start);
    while (this.partial.length >= this.maxLineChars) {
      lines.push(this.partial.slice(0, this.maxLineChars));
      this.partial = this.partial.slice(this.maxLineChars);
    }
    if (lines.length > 0) this.onLines(lines);
  }

  /** Emits what is left (a last line without its newline); call when the stream has ended. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest === '') return;
    const lines: string[] = [];
    this.collect(lines, rest);
    this.onLines(lines);
  }

  private collect(lines: string[], line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length <= this.maxLineChars) {
      lines.push(text);
      return;
    }
    for (let at = 0; at < text.length; at += this.maxLineChars) lines.push(text.slice(at, at + this.maxLineChars));
  }
}
