/**
 * /metrics through a real Prometheus: promtool accepts the text, and a Prometheus server started here
 * scrapes twelve with the API token while an app takes requests; PromQL then returns the app's request
 * rate, its p99 and its processes' memory, matching what this test sent and read itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, ROOT, TestPlatform, waitFor } from '../e2e/harness.js';
import { PrometheusServer } from './prometheus-server.js';
import { processFamilyRss } from './proc-read.js';

const platform = new TestPlatform({ TWELVE_METRICS_BIND: '127.0.0.1:0' });
const prometheus = new PrometheusServer();
let token = '';

before(async () => {
  await platform.start();
  token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  await platform.ok('apps:create', 'm');
  await platform.ok('deploy', copyFixture('metrics-web'), '-a', 'm');
});
after(async () => {
  await prometheus.stop();
  await platform.dispose();
});

function metricsUrl(): string {
  return `http://127.0.0.1:${platform.apiPort}/metrics`;
}

test('/metrics needs the API token on the API port, and passes promtool check metrics', async () => {
  assert.equal((await fetch(metricsUrl())).status, 401);
  await platform.get('m', '/?ms=0');
  // The sampler reads a new process within its interval (5 s).
  const text = await waitFor('web.1 to be sampled', async () => {
    const response = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    return body.includes('twelve_process_resident_memory_bytes{app="m"') && body;
  }, 20_000, 250);
  assert.match(text, /^twelve_router_requests_total\{app="m",type="web",dyno="web\.1",status_class="2xx"\} \d+$/m);
  assert.match(text, /^twelve_process_resident_memory_bytes\{app="m",type="web",dyno="web\.1"\} \d+$/m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  // Every family twelve exposes is in docs/telemetry.md, and the Grafana dashboard uses only real ones.
  const families = new Set([...text.matchAll(/^# TYPE (twelve_\w+) /gm)].map((m) => m[1]!));
  const doc = readFileSync(join(ROOT, 'docs', 'telemetry.md'), 'utf8');
  for (const family of families) assert.ok(doc.includes(`\`${family}\``), `${family} is missing from docs/telemetry.md`);
  const dashboard = readFileSync(join(ROOT, 'docs', 'grafana', 'twelve.json'), 'utf8');
  for (const [name] of dashboard.matchAll(/twelve_\w+/g)) {
    assert.ok(families.has(name.replace(/_bucket$/, '')), `the dashboard uses ${name}, which twelve does not expose`);
  }
});

test('TWELVE_METRICS_BIND serves the same metrics without a token, and only /metrics', async () => {
  const line = platform.output.split('\n').find((l) => l.includes('serving /metrics without auth'))!;
  const url = (JSON.parse(line) as { metrics: string }).metrics;
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /^twelve_router_requests_total\{app="m"/m);
  assert.equal((await fetch(url.replace('/metrics', '/v1/apps'))).status, 404);
});

test('Prometheus scrapes twelve with the token: request rate, p99 and memory as the test measured them', async () => {
  await prometheus.start({ host: `127.0.0.1:${platform.apiPort}`, path: '/metrics', bearer: token });
  await waitFor('the first scrape to succeed', async () => (await prometheus.targetHealth()) === 'up', 20_000, 250);
  const before = await prometheus.query('sum(twelve_router_requests_total{app="m"})');
  const sentBefore = before[0]?.value ?? 0;

  // 12 s of requests one after the other: 9 in 10 answered at once, 1 in 10 after 150 ms.
  const done: number[] = [];
  const latencies: number[] = [];
  const start = Date.now();
  for (let i = 0; Date.now() - start < 12_000; i += 1) {
    const began = performance.now();
    const answer = await platform.get('m', i % 10 === 9 ? '/?ms=150' : '/?ms=0');
    assert.equal(answer.status, 200);
    latencies.push((performance.now() - began) / 1000);
    done.push(Date.now());
  }
  const total = sentBefore + done.length;
  await waitFor('Prometheus to have scraped every request', async () =>
    (await prometheus.query('sum(twelve_router_requests_total{app="m"})'))[0]?.value === total, 20_000, 250);

  // Rate over a 5 s window in the middle of the load, against the requests the test finished in it.
  const at = (start + 9_000) / 1000;
  const expectedRate = done.filter((t) => t > (at - 5) * 1000 && t <= at * 1000).length / 5;
  const [rate] = await prometheus.query('sum(rate(twelve_router_requests_total{app="m"}[5s]))', at);
  assert.ok(rate && Math.abs(rate.value - expectedRate) <= 0.25 * expectedRate, `rate ${rate?.value} vs ${expectedRate} sent per second (tolerance 25%)`);

  // p99 from the histogram over the whole load, against the client's own p99: within the width of the
  // bucket the client's p99 falls in (a histogram cannot say more).
  const end = done.at(-1)! / 1000 + 2;
  const window = Math.ceil(end - start / 1000);
  const [p99] = await prometheus.query(`histogram_quantile(0.99, sum by (le) (increase(twelve_router_first_byte_seconds_bucket{app="m"}[${window}s])))`, end);
  const clientP99 = [...latencies].sort((a, b) => a - b)[Math.ceil(latencies.length * 0.99) - 1]!;
  assert.ok(clientP99 > 0.1 && clientP99 <= 0.25, `the client's p99 ${clientP99} s is in the (0.1, 0.25] bucket`);
  assert.ok(p99 && p99.value > 0.1 && p99.value <= 0.25, `Prometheus's p99 ${p99?.value} s is in the same bucket as the client's ${clientP99} s`);

  // Memory: what Prometheus has against this test's own reading of /proc, within 10%.
  const [proc] = await platform.json<Array<{ name: string; pid: number }>>('ps', '-a', 'm');
  const [memory] = await prometheus.query('sum(twelve_process_resident_memory_bytes{app="m",type="web",dyno="web.1"})');
  const own = processFamilyRss(proc!.pid);
  assert.ok(memory && Math.abs(memory.value - own) <= 0.1 * own, `resident memory ${memory?.value} vs ${own} read from /proc (tolerance 10%)`);
});

test('twelve metrics shows the processes now and the last hour, as text and as JSON', async () => {
  const view = await platform.json<{ processes: Array<{ dyno: string; state: string; rssBytes: number }>; router: { requests: number }; requestsPerSecond: Array<{ value: number | null }> }>('metrics', '-a', 'm');
  assert.deepEqual(view.processes.map((p) => [p.dyno, p.state]), [['web.1', 'up']]);
  assert.ok(view.processes[0]!.rssBytes > 1024 * 1024);
  assert.ok(view.router.requests > 100, `${view.router.requests} requests counted`);
  assert.ok(view.requestsPerSecond.some((p) => (p.value ?? 0) > 1), 'the load shows in the hour\'s 10 s points');
  const text = (await platform.ok('metrics', '-a', 'm')).stdout;
  assert.match(text, /^web\.1 +up +\d+\.\d MB/m);
  assert.match(text, /^requests\/s +\|[ ▁-█]{60}\|/m);
  assert.match(text, /^web\.1 memory +\|[ ▁-█]{60}\|/m);
});

test('an app that serves its own metrics is scraped through twelve, per web process, with app, type and dyno', async () => {
  await platform.ok('ps:scale', 'web=2', '-a', 'm');
  for (let i = 0; i < 10; i += 1) await platform.get('m', '/?ms=0');
  const text = await (await fetch(metricsUrl(), { headers: { authorization: `Bearer ${token}` } })).text();
  assert.equal(text.match(/^# TYPE fixture_hits_total counter$/gm)?.length, 1);
  const hits = [...text.matchAll(/^fixture_hits_total\{app="m",type="web",dyno="(web\.\d)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
  assert.deepEqual(hits.map(([dyno]) => dyno).sort(), ['web.1', 'web.2']);
  assert.ok(hits.every(([, count]) => count > 0), 'both processes took some of the 10 requests');
  assert.match(text, /^twelve_app_scrape_up\{app="m",type="web",dyno="web\.2"\} 1$/m);
  assert.equal(spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' }).status, 0);
  const series = await waitFor('Prometheus to have both processes\' counters', async () => {
    const found = await prometheus.query('fixture_hits_total{app="m"}');
    return found.length === 2 && found;
  }, 20_000, 250);
  assert.deepEqual(series.map((s) => `${s.metric.type}/${s.metric.dyno}`).sort(), ['web/web.1', 'web/web.2']);
});
