/**
 * Lines and bytes each process put in its app's stream, and lines the store could not write (L13),
 * counted as they are published (one Map lookup a batch) and read by /metrics when scraped.
 */

export interface StreamCounts {
  lines: number;
  bytes: number;
}

/** One-off processes (`run.4821`) count under `run`: their numbers never repeat, and the counts must not grow for ever. */
export function streamName(process: string): string {
  return process.startsWith('run.') ? 'run' : process;
}

export class LogCounters {
  /** app -> process name (`web.1`, `router`, `api`, `run` for every one-off) -> counts. */
  readonly apps = new Map<string, Map<string, StreamCounts>>();
  /** app -> lines lost because the disk refused them (L13). */
  readonly unwritten = new Map<string, number>();

  published(app: string, process: string, lines: number, bytes: number): void {
    let processes = this.apps.get(app);
    if (!processes) this.apps.set(app, (processes = new Map()));
    const counts = processes.get(process);
    if (counts) {
      counts.lines += lines;
      counts.bytes += bytes;
    } else {
      const name = streamName(process);
      const shared = processes.get(name);
      if (shared) {
        shared.lines += lines;
        shared.bytes += bytes;
      } else {
        processes.set(name, { lines, bytes });
      }
    }
  }

  notWritten(app: string, lines: number): void {
    this.unwritten.set(app, (this.unwritten.get(app) ?? 0) + lines);
  }

  forget(app: string): void {
    this.apps.delete(app);
    this.unwritten.delete(app);
  }
}
