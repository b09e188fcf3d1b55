import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import type { LogEvent } from '../../src/logs/log-event.js';
import { LogStore } from '../../src/logs/log-store.js';
import { LostLinesReporter } from '../../src/logs/lost-lines.js';
import { openLogs } from '../../src/logs/open-logs.js';
import { segmentName } from '../../src/logs/segment-files.js';
import { pathsFor } from '../../src/paths.js';
import { openDatabase } from '../../src/store/database.js';
import { waitFor } from '../run/helpers.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-lost-'));
  dirs.push(dir);
  return dir;
}

/** `lines` 90-byte lines in one block: more than the store keeps waiting, so it is written at once. */
function block(lines: number): Buffer {
  return Buffer.from(`${'x'.repeat(89)}\n`.repeat(lines));
}

/**
 * Makes the app's segment that starts at `firstId` the kernel's /dev/full: every write to it fails with
 * ENOSPC, as on a full disk.
 */
function fullDiskAt(logsDir: string, firstId: number): void {
  mkdirSync(logsDir, { recursive: true });
  symlinkSync('/dev/full', join(logsDir, segmentName(firstId)));
}

describe('lines the log store cannot write', () => {
  it('are counted and handed to onDropped with the error, and the other apps are written as usual', () => {
    const dir = tempDir();
    const dropped: Array<[string, number, string]> = [];
    const store = new LogStore({ dirFor: (app) => join(dir, app), onDropped: (app, count, error) => dropped.push([app, count, (error as NodeJS.ErrnoException).code ?? error.message]) });
    fullDiskAt(join(dir, 'full'), 100);
    store.appendBlock('full', 100, Date.now(), 'app', 'web.1', block(300), 300);
    store.appendBlock('fine', 400, Date.now(), 'app', 'web.1', block(300), 300);
    assert.deepEqual(dropped, [['full', 300, 'ENOSPC']]);
    assert.equal(store.read('fine', { count: 1000 }).length, 300);
    store.close();
  });

  it('are reported into the app\'s stream at once, then at most once per interval with all lost since the spell began, and not when none are lost', async () => {
    const reports: Array<[string, string]> = [];
    const reporter = new LostLinesReporter((app, text) => reports.push([app, text]), 300);
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    reporter.lost('shop', 5, full);
    await waitFor('the first report', () => reports.length === 1);
    assert.equal(reports[0]![0], 'shop');
    assert.match(reports[0]![1], /^Error L13 \(local delivery error\): 5 lines could not be written to the log on disk since \S+ \(ENOSPC: no space left on device, write\)$/);
    reporter.lost('shop', 2, full);
    reporter.lost('shop', 1, full);
    reporter.lost('blog', 1, full);
    await waitFor('the other app\'s first report', () => reports.some(([app]) => app === 'blog'));
    assert.equal(reports.filter(([app]) => app === 'shop').length, 1, 'shop\'s later losses wait for its interval');
    await waitFor('shop\'s summary', () => reports.filter(([app]) => app === 'shop').length === 2);
    // The whole spell's loss in every report: while the disk is full the earlier ones could not be stored.
    const since = /since (\S+) /.exec(reports[0]![1])![1];
    assert.equal(reports.filter(([app]) => app === 'shop')[1]![1], `Error L13 (local delivery error): 8 lines could not be written to the log on disk since ${since} (ENOSPC: no space left on device, write)`);
    // A quiet interval ends the spell: the next loss is reported at once again.
    await waitFor('a quiet interval to end shop\'s spell', () => reporter.quiet('shop'));
    const before = reports.length;
    reporter.lost('shop', 1, full);
    await waitFor('a report at once after a quiet spell', () => reports.length === before + 1);
    assert.match(reports.at(-1)![1], /: 1 line could not be written/);
    // A destroyed app's losses are forgotten with it: no report would recreate its log.
    reporter.lost('gone', 1, full);
    reporter.forget('gone');
    assert.equal(reporter.quiet('gone'), true);
    reporter.lost('other', 1, full); // reported after where gone's report would have been
    await waitFor('the other app\'s report', () => reports.some(([app]) => app === 'other'));
    assert.equal(reports.some(([app]) => app === 'gone'), false);
    reporter.close();
  });

  it('reach the app\'s live tails as a twelve[logs] event and twelve\'s own log, from a platform\'s log side', async () => {
    const dataDir = tempDir();
    const paths = pathsFor(dataDir);
    const db = openDatabase(join(dataDir, 'twelve.db'));
    const said: string[] = [];
    const logger = pino(new Writable({ write(chunk, _encoding, done) { said.push(String(chunk)); done(); } }));
    const { bus, drains } = openLogs(paths, db, logger);
    try {
      const events: LogEvent[] = [];
      bus.subscribe('shop', (event) => events.push(event));
      fullDiskAt(paths.logs('shop'), bus.lastId() + 1);
      bus.publishBlock('shop', 'app', 'web.1', block(300), 300);
      await waitFor('the L13 event', () => events.some((event) => event.source === 'twelve' && event.process === 'logs'));
      const report = events.find((event) => event.process === 'logs')!;
      assert.match(report.text, /^Error L13 \(local delivery error\): 300 lines could not be written to the log on disk since .* \(ENOSPC/);
      assert.equal(events.filter((event) => event.source === 'app').length, 300, 'the tail still got the lines');
      assert.ok(said.some((line) => line.includes('could not write log lines to disk') && line.includes('"count":300')), said.join(''));
    } finally {
      await drains.close();
      bus.close();
      db.close();
    }
  });
});
