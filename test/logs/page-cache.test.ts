import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LogStore } from '../../src/logs/log-store.js';
import { DROP_STEP_BYTES, pageCacheControl } from '../../src/logs/page-cache.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** Bytes of the file in the page cache, by util-linux's fincore (mincore(2) on a mapping of it). */
function cachedBytes(path: string): number {
  try {
    return Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).trim());
  } catch (error) {
    throw new Error(`fincore could not tell what is cached (Debian's util-linux-extra has it; .ci/run installs it): ${(error as Error).message}`);
  }
}

/** Appends `bytes` of 100-byte lines to the app's log, 64 KiB a batch, as a busy process's reads come. */
function appendLines(store: LogStore, firstId: number, bytes: number): number {
  const batch = Buffer.alloc(64 * 1024 - 64 * 1024 % 100, 'x'.repeat(99) + '\n');
  const lines = batch.length / 100;
  let id = firstId;
  for (let written = 0; written < bytes; written += batch.length) {
    store.appendBlock('shop', id, Date.now(), 'app', 'web.1', batch, lines);
    id += lines;
  }
  return id;
}

describe('the log store and the page cache', () => {
  it('was built: npm ci compiles native/ (without it, logs stay in the page cache)', () => {
    assert.equal(pageCacheControl.available, true, `the addon did not load: ${pageCacheControl.error?.message}`);
  });

  it('drops what it wrote a step behind the write position, keeping the newest steps cached', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twelve-page-cache-'));
    dirs.push(dir);
    const logs = join(dir, 'shop', 'logs');
    const store = new LogStore({ dirFor: () => logs, retention: () => ({ maxBytes: 1024 ** 3, maxAgeMs: 3_600_000 }) });
    let id = appendLines(store, 1, 2 * DROP_STEP_BYTES);
    const [segment] = readdirSync(logs);
    const path = join(logs, segment!);
    // Whatever writeback was started is finished now, so the next step finds every page before it clean.
    const fd = openSync(path, 'r');
    fdatasyncSync(fd);
    closeSync(fd);
    id = appendLines(store, id, DROP_STEP_BYTES + 64 * 1024);
    const written = 3 * DROP_STEP_BYTES;
    const cached = cachedBytes(path);
    // Kept: the step whose writeback was just started, and what came after it. Without the drops, all of it.
    assert.ok(cached <= DROP_STEP_BYTES + 256 * 1024, `${cached} of ${written} bytes written are still cached`);
    assert.ok(cached > 0, 'the newest lines stay cached for the readers that want them');
    assert.equal(store.read('shop', { count: 1 })[0]!.id, id - 1, 'every line is still there to read');
    store.close();
  });
});
