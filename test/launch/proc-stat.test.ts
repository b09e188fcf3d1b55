import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRunning, parseProcStat, readProcStat, readProcUsage, readStartTicks } from '../../src/launch/proc-stat.js';

describe('/proc/PID/stat', () => {
  it('counts fields after the last parenthesis, so a command name with spaces and parentheses parses', () => {
    const text = '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 2990080 414 18446744073709551615 0\n';
    assert.deepEqual(parseProcStat(text), { pid: 4242, state: 'S', ppid: 1, pgrp: 4242, startTicks: '987654' });
  });

  it('rejects text that is not a stat line', () => {
    assert.equal(parseProcStat('garbage'), null);
    assert.equal(parseProcStat('1 (x) S 1 2'), null);
  });

  it('reads the start time of this very process, and nothing for a pid that does not exist', () => {
    const stat = readProcStat(process.pid);
    assert.equal(stat?.pid, process.pid);
    assert.equal(isRunning(stat), true);
    assert.match(readStartTicks(process.pid) ?? '', /^\d+$/);
    assert.equal(readStartTicks(999_999_999), null);
    assert.equal(isRunning(null), false);
  });

  it('reads what this process has cost so far, growing as it works, and nothing for a pid that does not exist', () => {
    const before = readProcUsage(process.pid)!;
    const end = Date.now() + 100;
    let spin = 0;
    // 100 ms of CPU (ten clock ticks), nearly all of it user time: the clock is read every 100,000 turns.
    while (spin % 100_000 !== 0 || Date.now() < end) spin += 1;
    const after = readProcUsage(process.pid)!;
    assert.ok(spin > 0 && after.cpuTicks > before.cpuTicks, `${before.cpuTicks} -> ${after.cpuTicks} ticks`);
    assert.ok(after.userTicks > before.userTicks, `user ${before.userTicks} -> ${after.userTicks} ticks`);
    assert.equal(after.cpuTicks, after.userTicks + after.systemTicks);
    assert.ok(after.minorFaults >= before.minorFaults && before.minorFaults > 0);
    assert.equal(readProcUsage(999_999_999), null);
  });
});
