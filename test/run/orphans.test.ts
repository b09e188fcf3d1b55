import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reapOrphans } from '../../src/run/orphans.js';
import { groupIsRunning, readStartTicks } from '../../src/launch/proc-stat.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { listProcessRecords, recordProcess } from '../../src/store/processes.js';
import { pidRunning, silent, waitFor } from './helpers.js';

/** Starts a process group the way the supervisor does, standing in for one left by a killed twelve. */
function startGroup(command: string): ChildProcess {
  return spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'ignore' });
}

function record(db: Db, id: string, pid: number, startTicks: string | null): void {
  recordProcess(db, { id, appId: 1, releaseVersion: 1, type: 'web', number: 1, pid, startTicks, port: null });
}

describe('reapOrphans', () => {
  let dir: string;
  let db: Db;
  const started: ChildProcess[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'twelve-orphans-'));
    db = openDatabase(join(dir, 'twelve.db'));
  });
  after(() => {
    for (const child of started) {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops a live recorded process group, children included, and forgets every record', async () => {
    const group = startGroup('sleep 300 & sleep 300 & wait');
    started.push(group);
    const pid = group.pid!;
    record(db, 'a', pid, readStartTicks(pid));
    record(db, 'gone', 999_999_999, '1');
    const reaped = await reapOrphans(db, silent, 5000);
    assert.equal(reaped, 1);
    assert.equal(groupIsRunning(pid), false);
    assert.deepEqual(listProcessRecords(db), []);
  });

  it('leaves alone a live pid whose start time differs from the record (a reused pid)', async () => {
    const other = startGroup('exec sleep 300');
    started.push(other);
    const pid = other.pid!;
    const ticks = readStartTicks(pid)!;
    record(db, 'b', pid, String(BigInt(ticks) - 1n));
    const reaped = await reapOrphans(db, silent, 5000);
    assert.equal(reaped, 0);
    assert.equal(pidRunning(pid), true);
    assert.deepEqual(listProcessRecords(db), []);
  });

  it('SIGKILLs a group that ignores SIGTERM once the deadline has passed', async () => {
    const ready = join(dir, 'trapped');
    const stubborn = startGroup(`trap '' TERM; touch ${ready}; sleep 300`);
    started.push(stubborn);
    const pid = stubborn.pid!;
    await waitFor('the trap', () => existsSync(ready));
    record(db, 'c', pid, readStartTicks(pid));
    const begun = Date.now();
    const reaped = await reapOrphans(db, silent, 300);
    assert.equal(reaped, 1);
    assert.ok(Date.now() - begun >= 290);
    await waitGone(pid);
    assert.equal(groupIsRunning(pid), false);
  });
});

/** SIGKILL is delivered asynchronously: give the kernel a moment. */
async function waitGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (groupIsRunning(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
