/** The history behind `twelve metrics`: 10 s points, minute roll-ups, pruning, a restart; and the sparklines drawn from it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderMetrics } from '../../src/cli/metrics-render.js';
import { sparkline } from '../../src/cli/sparkline.js';
import { openDatabase } from '../../src/store/database.js';
import { readPoints } from '../../src/store/metric-points.js';
import { MetricHistory } from '../../src/telemetry/metric-history.js';
import { metricsView } from '../../src/telemetry/metrics-view.js';
import type { ProcessSample } from '../../src/telemetry/process-sampler.js';
import { RouterCounters } from '../../src/telemetry/router-counters.js';

function sample(rssBytes: number, cpuCores: number, at: number): ProcessSample {
  return {
    id: 'p1', app: 'a', type: 'web', dyno: 'web.1', release: 1, state: 'up', pid: 1, restarts: 0, cpuCores, load: [cpuCores, 0, 0], at,
    usage: { cpuSeconds: 1, rssBytes, pssBytes: rssBytes / 2, swapBytes: 0, openFds: 9, processes: 1, startedAfterBootSeconds: 0 },
    startTimeSeconds: at / 1000 - 90, memoryQuotaBytes: null,
  };
}

test('sparklines scale from zero, leave gaps blank, and average the points of a column', () => {
  assert.equal(sparkline([{ at: 0, value: 0 }, { at: 10, value: 5 }, { at: 20, value: 10 }], 0, 30, 3), '▁▅█');
  assert.equal(sparkline([{ at: 0, value: 4 }, { at: 5, value: 8 }, { at: 20, value: 12 }], 0, 30, 3), '▅ █');
  assert.equal(sparkline([{ at: 0, value: 100 }, { at: 20, value: 200 }], 0, 30, 3, false), '▁ █');
  assert.equal(sparkline([], 0, 30, 3), '   ');
  assert.equal(sparkline([{ at: 0, value: 0 }], 0, 30, 2), '▁ ');
});

test('a point every 10 s per process and per app, rolled up each minute, pruned by age, kept across a reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-history-'));
  try {
    const file = join(dir, 'twelve.db');
    let db = openDatabase(file);
    const router = new RouterCounters();
    const history = new MetricHistory(db, router, (error) => { throw error; });
    const t0 = 1_800_000_000_000; // a whole minute
    history.sampled([sample(100, 0.5, t0)], t0);
    // 20 requests in the next 10 s: 19 fast, one slow 5xx.
    for (let i = 0; i < 19; i += 1) router.record('a', 'web.1', 200, undefined, 0.002, 0.003, 0, 10);
    router.record('a', 'web.1', 502, 'T13', NaN, 0.4, 0, 10);
    history.sampled([sample(200, 0.25, t0 + 5_000)], t0 + 5_000); // same slot: nothing written
    history.sampled([sample(300, 0.25, t0 + 10_000)], t0 + 10_000);
    const fine = readPoints(db, 'a', 10, 0);
    assert.deepEqual(fine.filter((p) => p.dyno === 'web.1').map((p) => [p.atMs - t0, p.memoryBytes, p.cpuCores]), [[0, 100, 0.5], [10_000, 300, 0.25]]);
    const appPoints = fine.filter((p) => p.dyno === '');
    assert.deepEqual(appPoints.map((p) => [p.atMs - t0, p.requests, p.errors]), [[10_000, 20, 1]], 'the first slot had no baseline');
    assert.ok(appPoints[0]!.p99S! > 0.25 && appPoints[0]!.p99S! <= 0.5, `p99 ${appPoints[0]!.p99S} in the 0.4 s request's bucket`);

    // The next minute's first point rolls the last minute up.
    history.sampled([sample(500, 1, t0 + 60_000)], t0 + 60_000);
    const coarse = readPoints(db, 'a', 60, 0);
    assert.deepEqual(coarse.map((p) => [p.dyno, p.atMs - t0, p.memoryBytes, p.cpuCores, p.requests]), [['', 0, null, null, 20], ['web.1', 0, 200, 0.375, null]]);

    // Reopened (twelve restarted): the points are still there, and an hour later the 10 s ones go.
    db.close();
    db = openDatabase(file);
    const later = new MetricHistory(db, new RouterCounters(), (error) => { throw error; });
    assert.equal(readPoints(db, 'a', 10, 0).length, 5);
    later.sampled([sample(600, 1, t0 + 3_700_000)], t0 + 3_700_000);
    later.sampled([sample(600, 1, t0 + 3_720_000)], t0 + 3_720_000);
    assert.deepEqual(readPoints(db, 'a', 10, 0).map((p) => p.atMs - t0), [3_700_000, 3_720_000]);
    assert.equal(readPoints(db, 'a', 60, 0).length >= 2, true, 'minute points stay a day');

    const view = metricsView(db, 'a', [sample(600, 1, t0 + 3_720_000)], router, 'hour', t0 + 3_725_000);
    assert.deepEqual(view.processes.map((p) => [p.dyno, p.rssBytes, p.cpuCores, p.uptimeSeconds]), [['web.1', 600, 1, 90]]);
    assert.equal(view.router.requests, 20);
    assert.equal(view.router.errors, 1);
    const text = renderMetrics(view, t0 + 3_725_000);
    assert.match(text, /^web\.1 {2}up {5}600 B/m);
    assert.match(text, /^web\.1 memory +\|[ ▁-█]{60}\| +600 B$/m);
    assert.match(text, /router: 20 requests since twelve started, 1 answered 5xx/);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
