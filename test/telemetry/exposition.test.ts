/** Re-exposing an app's own metrics: relabelled, merged across processes and with twelve's own, and still valid for promtool. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseMetricsPath } from '../../src/build/metrics-path.js';
import { appendFamilies, mergeFamilies, parseExposition, parseLabels, relabel } from '../../src/telemetry/exposition.js';

const APP_TEXT = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",app="inner"} 12
http_requests_total{method="POST",path="/a\\"b,c}"} 3 1700000000000
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 4
latency_seconds_bucket{le="+Inf"} 5
latency_seconds_sum 0.9
latency_seconds_count 5
# HELP process_cpu_seconds_total CPU.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
bare_metric 7
`;

test('labels are read with their escapes, and a sample gets app, type and dyno first', () => {
  assert.deepEqual(parseLabels('{a="x",b="y\\"z,}"}'), [['a', 'x'], ['b', 'y\\"z,}']]);
  assert.equal(relabel('up 1', { app: 'a' })!.line, 'up{app="a"} 1');
  assert.equal(relabel('x{app="own",k="v"} 2 123', { app: 'a', dyno: 'web.1' })!.line, 'x{app="a",dyno="web.1",exported_app="own",k="v"} 2 123');
  assert.equal(relabel('# comment', { app: 'a' }), null);
});

test('families keep their samples, histograms whole, and untyped samples are families of their own', () => {
  const families = parseExposition(APP_TEXT, { app: 'a', type: 'web', dyno: 'web.1' });
  assert.deepEqual(families.map((f) => [f.name, f.type, f.samples.length]), [
    ['http_requests_total', 'counter', 2], ['latency_seconds', 'histogram', 4], ['process_cpu_seconds_total', 'counter', 1], ['bare_metric', 'untyped', 1],
  ]);
  assert.equal(families[0]!.samples[1], 'http_requests_total{app="a",type="web",dyno="web.1",method="POST",path="/a\\"b,c}"} 3 1700000000000');
});

test('two processes merge into one family each, join twelve\'s own, and promtool accepts the whole', () => {
  const one = parseExposition(APP_TEXT, { app: 'a', type: 'web', dyno: 'web.1' });
  const two = parseExposition(APP_TEXT.replace('# TYPE bare_metric', ''), { app: 'a', type: 'web', dyno: 'web.2' });
  const clash = parseExposition('# TYPE latency_seconds gauge\nlatency_seconds 1\n', { app: 'b', type: 'web', dyno: 'web.1' });
  const merged = mergeFamilies([one, two, clash]);
  assert.equal(merged.conflicts, 1, 'b\'s gauge latency_seconds cannot join a\'s histogram');
  const own = '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 0.5\n\n'
    + '# HELP bare_metric twelve\'s.\n# TYPE bare_metric gauge\nbare_metric 1\n';
  const { text, conflicts } = appendFamilies(own, merged.families);
  assert.equal(conflicts, 1, 'the apps\' untyped bare_metric cannot join twelve\'s gauge');
  assert.equal(text.match(/^# TYPE process_cpu_seconds_total /gm)!.length, 1);
  assert.match(text, /^process_cpu_seconds_total 0\.5\nprocess_cpu_seconds_total\{app="a",type="web",dyno="web\.1"\} 1\.5\nprocess_cpu_seconds_total\{app="a",type="web",dyno="web\.2"\} 1\.5$/m);
  assert.equal(text.match(/^latency_seconds_count\{/gm)!.length, 2);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
});

test('app.json metrics.path is a path, or the build fails', () => {
  assert.equal(parseMetricsPath({ metrics: { path: '/metrics' } }), '/metrics');
  assert.equal(parseMetricsPath({}), undefined);
  assert.equal(parseMetricsPath(null), undefined);
  for (const bad of [{ metrics: '/metrics' }, { metrics: { path: 'metrics' } }, { metrics: { path: '/a b' } }, { metrics: [] }]) {
    assert.throws(() => parseMetricsPath(bad), /app\.json metrics must look like/);
  }
});
