/**
 * page-cache: what writing a log costs the kernel when the page cache keeps all of it, against dropping
 * it a step behind the writes as twelve's log store does (src/logs/page-cache.ts). FILES files of
 * 90 MB (a million 90-byte lines each), written 80 KiB at a time, once with the drops and then once
 * without (the page cache growing by 1.8 GB); the system time of each file is read from this process's
 * own CPU usage. No goal, for the record (docs/logs-performance.md): on a VM that hands free memory back
 * to its host, the files written once the page cache has grown past what the VM touched lately cost
 * ten times the first ones. The drops themselves cost a little (the writeback is started, and the pages
 * freed, in the writing process rather than in the kernel's flusher threads later).
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pageCacheControl, WrittenPages } from '../../src/logs/page-cache.js';
import { tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { againstBaseline } from '../report.js';

const FILES = 20;
const FILE_BYTES = 90 * 1024 * 1024;
const WRITE_BYTES = 80 * 1024;

/** System time (ms) of writing each file; the files are deleted after. */
function writeFiles(dir: string, label: string, drop: boolean): number[] {
  const chunk = Buffer.alloc(WRITE_BYTES, 'x'.repeat(89) + '\n');
  const systemMs: number[] = [];
  const paths: string[] = [];
  try {
    for (let f = 0; f < FILES; f++) {
      const path = join(dir, `${label}-${f}`);
      paths.push(path);
      const fd = openSync(path, 'w');
      const pages = drop ? new WrittenPages(fd, 0) : null;
      const before = process.cpuUsage();
      for (let written = 0; written < FILE_BYTES; written += WRITE_BYTES) {
        const bytes = writeSync(fd, chunk);
        pages?.wrote(bytes);
      }
      pages?.closing();
      systemMs.push(process.cpuUsage(before).system / 1000);
      closeSync(fd);
    }
  } finally {
    for (const path of paths) rmSync(path, { force: true }); // its cached pages go with it
  }
  return systemMs;
}

function sum(values: number[]): number {
  return values.reduce((total, n) => total + n, 0);
}

export const pageCachePart: Part = {
  name: 'page-cache',
  description: `${FILES} files of 90 MB written 80 KiB at a time, with twelve's page-cache drops and without`,
  async run({ record, skip }) {
    if (!pageCacheControl.available) {
      skip(`the page-cache addon is not built (${pageCacheControl.error?.message}): run \`npm run install\``);
      return;
    }
    const dir = tempDir('page-cache');
    const dropped = writeFiles(dir, 'dropped', true);
    const kept = writeFiles(dir, 'kept', false);
    const show = (ms: number[]) => ms.map((n) => n.toFixed(0)).join(' ');
    console.log(`  system ms per 90 MB, dropped a step behind: ${show(dropped)}`);
    console.log(`  system ms per 90 MB, kept in the page cache: ${show(kept)}`);
    // The whole run, not the late files alone: where the cost rises depends on how much memory the VM
    // has touched lately (a second run right after a first found the first gigabyte freed and cheap).
    record(againstBaseline('page-cache', `system time to write ${FILES} x 90 MB`, 'ms', sum(dropped), { name: 'kept in the page cache', value: sum(kept) }, null));
  },
};
