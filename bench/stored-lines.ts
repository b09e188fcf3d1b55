/** Counting an app's stored lines per process as the logs bench goes, reading only what is new. */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dropCachedPages } from '../src/logs/page-cache.js';
import { scanRecords } from '../src/logs/segment-records.js';

/**
 * Lines of each process in the app's segment files on disk, read as twelve reads them. Only what was
 * appended since the last look is read: reading every segment again after each round read up to 1.2 GB
 * a round by the end, a second of the bench's CPU and a gigabyte of memory churned between rounds.
 */
export class StoredLines {
  private readonly files = new Map<string, { scanned: number; lines: Map<string, number> }>();

  constructor(private readonly dir: string) {}

  linesOf(process: string): number {
    let count = 0;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      let file = this.files.get(path);
      if (!file) this.files.set(path, (file = { scanned: 0, lines: new Map() }));
      const size = statSync(path).size;
      if (size > file.scanned) {
        const fd = openSync(path, 'r');
        const fresh = Buffer.allocUnsafe(size - file.scanned);
        let read = 0;
        try {
          read = readSync(fd, fresh, 0, fresh.length, file.scanned);
          // What the bench read must not grow the page cache that twelve keeps from growing (page-cache.ts).
          dropCachedPages(fd, file.scanned, read);
        } finally {
          closeSync(fd);
        }
        // Records are appended whole; a torn last one is read again next time, from its start.
        let end = 0;
        for (const record of scanRecords(fresh.subarray(0, read))) {
          if (record.source === 'app') file.lines.set(record.process, (file.lines.get(record.process) ?? 0) + record.count);
          end = record.end;
        }
        file.scanned += end;
      }
      count += file.lines.get(process) ?? 0;
    }
    return count;
  }
}
