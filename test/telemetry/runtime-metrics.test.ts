/** features:enable runtime-metrics: Heroku's runtime-metric lines in the app's stream, read with a logfmt parser. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import logfmt from 'logfmt';
import type { ProcessSample } from '../../src/telemetry/process-sampler.js';
import { runtimeMetricLines } from '../../src/telemetry/runtime-metrics.js';
import { copyFixture, TestPlatform, waitFor } from '../e2e/harness.js';

test('a sample becomes two lines in Heroku\'s format', () => {
  const sample: ProcessSample = {
    id: '6f1c0b9e-0000-4000-8000-000000000001', app: 'a', type: 'web', dyno: 'web.1', release: 3, state: 'up', pid: 10, restarts: 0,
    usage: { cpuSeconds: 1, rssBytes: 22020096, pssBytes: 1, swapBytes: 1048576, openFds: 3, processes: 1, startedAfterBootSeconds: 1 },
    startTimeSeconds: 1, cpuCores: 0.5, load: [0.456, 0.2, 0.011], at: 0, memoryQuotaBytes: null,
  };
  assert.deepEqual(runtimeMetricLines(sample, 7), [
    'source=web.1 dyno=heroku.7.6f1c0b9e-0000-4000-8000-000000000001 sample#memory_total=22.00MB sample#memory_rss=21.00MB sample#memory_swap=1.00MB',
    'source=web.1 dyno=heroku.7.6f1c0b9e-0000-4000-8000-000000000001 sample#load_avg_1m=0.46 sample#load_avg_5m=0.20 sample#load_avg_15m=0.01',
  ]);
  assert.equal(runtimeMetricLines({ ...sample, usage: null }, 7), null);
  assert.match(runtimeMetricLines({ ...sample, memoryQuotaBytes: 512 * 1024 * 1024 }, 7)![0], / sample#memory_swap=1\.00MB sample#memory_quota=512\.00MB$/);
});

const platform = new TestPlatform();
before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'rm');
  await platform.ok('deploy', copyFixture('metrics-web'), '-a', 'rm');
});
after(() => platform.dispose());

test('features lists runtime-metrics off; an unknown feature is refused', async () => {
  const features = await platform.json<Array<{ name: string; enabled: boolean }>>('features', '-a', 'rm');
  assert.deepEqual(features.map((f) => [f.name, f.enabled]), [['runtime-metrics', false]]);
  const unknown = await platform.cli('features:enable', 'no-such-thing', '-a', 'rm');
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no feature named no-such-thing/);
});

test('runtime-metrics writes lines a logfmt parser reads, with the values /metrics shows', async () => {
  await platform.ok('features:enable', 'runtime-metrics', '-a', 'rm');
  assert.deepEqual((await platform.json<Array<{ enabled: boolean }>>('features', '-a', 'rm')).map((f) => f.enabled), [true]);
  // The first lines come with the sampler's next round (every 5 s).
  const lines = await waitFor('the runtime-metric lines', async () => {
    const logs = (await platform.ok('logs', '-a', 'rm', '-n', '200')).stdout.split('\n');
    const found = logs.filter((line) => line.includes('twelve[web.1]: source=web.1 '));
    return found.length >= 2 && found;
  }, 30_000, 500);
  const [memory, load] = lines.slice(-2).map((line) => logfmt.parse(line.slice(line.indexOf('source='))) as Record<string, string>);
  assert.equal(memory!.source, 'web.1');
  assert.match(memory!.dyno!, /^heroku\.\d+\.[0-9a-f-]{36}$/);
  assert.equal(load!.dyno, memory!.dyno);
  assert.match(memory!['sample#memory_rss']!, /^\d+\.\d{2}MB$/);
  assert.match(load!['sample#load_avg_1m']!, /^\d+\.\d{2}$/);
  assert.ok(load!['sample#load_avg_5m'] !== undefined && load!['sample#load_avg_15m'] !== undefined);

  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  const text = await (await fetch(`http://127.0.0.1:${platform.apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const rss = Number(/^twelve_process_resident_memory_bytes\{app="rm",type="web",dyno="web\.1"\} (\d+)$/m.exec(text)![1]);
  const lineRss = Number.parseFloat(memory!['sample#memory_rss']!) * 1024 * 1024;
  // The same sampler's figure; a newer round (5 s later) may have moved it a little.
  assert.ok(Math.abs(lineRss - rss) <= 0.05 * rss, `memory_rss ${lineRss} vs /metrics ${rss} (tolerance 5%)`);
});

test('builds, releases, boots, rollbacks and log lines are counted with their app', async () => {
  await platform.ok('config:set', 'GREETING=hi', '-a', 'rm');
  await platform.ok('rollback', '-a', 'rm');
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  const text = await (await fetch(`http://127.0.0.1:${platform.apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}.+]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(value('twelve_build_duration_seconds_count{app="rm",result="succeeded"}'), 1);
  assert.equal(value('twelve_release_duration_seconds_count{app="rm",result="succeeded"}'), 3, 'deploy, config:set, rollback');
  assert.equal(value('twelve_rollbacks_total{app="rm",kind="manual"}'), 1);
  assert.ok(value('twelve_process_boot_seconds_count{app="rm",type="web"}') >= 3, 'a web process booted for each release');
  assert.ok(value('twelve_log_lines_total{app="rm",type="api",dyno="api"}') > 3, 'twelve\'s own lines about the deploy');
  assert.ok(value('twelve_log_bytes_total{app="rm",type="web",dyno="web.1"}') > 0, 'the app\'s own output');
  assert.ok(value('twelve_log_stored_bytes{app="rm"}') > 0);
});
