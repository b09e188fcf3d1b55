/**
 * TWELVE_OTLP_ENDPOINT: twelve pushes its metrics and a span per request over OTLP/HTTP protobuf to a
 * receiver that decodes them with the official definitions; the app sees the trace in traceparent.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, waitFor } from '../e2e/harness.js';
import { attribute, OtlpReceiver } from './otlp-receiver.js';

const receiver = new OtlpReceiver();
let platform: TestPlatform;

before(async () => {
  await receiver.start();
  platform = new TestPlatform({ TWELVE_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`, TWELVE_OTLP_INTERVAL: '1' });
  await platform.start();
  await platform.ok('apps:create', 'o');
  await platform.ok('deploy', copyFixture('metrics-web'), '-a', 'o');
});
after(async () => {
  await platform.dispose();
  await receiver.close();
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

test('a request with a traceparent continues the client\'s trace: the app gets the router\'s span as parent, and the span is exported', async () => {
  const traceId = randomBytes(16).toString('hex');
  const clientSpan = randomBytes(8).toString('hex');
  const seen = await new Promise<string>((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port: platform.routerPort, path: '/traceparent?x=1', headers: { host: 'o.localhost', traceparent: `00-${traceId}-${clientSpan}-01` }, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
  const [, appTrace, parent] = TRACEPARENT.exec(seen) ?? [];
  assert.equal(appTrace, traceId, `the app saw ${seen}`);
  assert.notEqual(parent, clientSpan, 'the app\'s parent is the router\'s span, not the client\'s');
  const span = await waitFor('the router\'s span', () => receiver.spans.find((s) => s.spanId === parent), 20_000, 100);
  assert.equal(span.traceId, traceId);
  assert.equal(span.parentSpanId, clientSpan);
  assert.equal(span.name, 'GET');
  assert.equal(span.kind, 2); // SPAN_KIND_SERVER
  assert.equal(attribute(span.attributes, 'http.response.status_code'), 200);
  assert.equal(attribute(span.attributes, 'url.path'), '/traceparent');
  assert.equal(attribute(span.attributes, 'twelve.app'), 'o');
  assert.equal(attribute(span.attributes, 'twelve.dyno'), 'web.1');
  assert.ok(receiver.contentTypes.has('application/x-protobuf'));
});

test('a request without one starts a new trace, which the app gets', async () => {
  const seen = (await platform.get('o', '/traceparent')).body;
  const [, traceId, spanId] = TRACEPARENT.exec(seen) ?? [];
  assert.ok(traceId, `the app saw ${seen}`);
  const span = await waitFor('the span', () => receiver.spans.find((s) => s.spanId === spanId), 20_000, 100);
  assert.equal(span.traceId, traceId);
  assert.equal(span.parentSpanId, undefined);
});

test('the metrics /metrics has are pushed as OTLP metrics: counters as sums, histograms with their buckets', async () => {
  for (let i = 0; i < 5; i += 1) await platform.get('o', '/?ms=0');
  const batch = await waitFor('a push with the router\'s requests', () => receiver.metricBatches.find((b) => {
    const requests = b.metrics.find((m) => m.name === 'twelve_router_requests_total');
    return (requests?.sum?.dataPoints.reduce((total, p) => total + (p.asDouble ?? 0), 0) ?? 0) >= 7;
  }), 20_000, 200);
  assert.equal(attribute(batch.resource, 'service.name'), 'twelve');
  const requests = batch.metrics.find((m) => m.name === 'twelve_router_requests_total')!;
  assert.equal(requests.sum!.isMonotonic, true);
  const point = requests.sum!.dataPoints.find((p) => attribute(p.attributes, 'status_class') === '2xx')!;
  assert.equal(attribute(point.attributes, 'app'), 'o');
  assert.equal(attribute(point.attributes, 'dyno'), 'web.1');
  const histogram = batch.metrics.find((m) => m.name === 'twelve_router_first_byte_seconds')!.histogram!.dataPoints[0]!;
  assert.equal(histogram.explicitBounds!.length + 1, histogram.bucketCounts!.length);
  assert.equal(histogram.bucketCounts!.reduce((total, count) => total + Number(count), 0), Number(histogram.count));
  assert.ok(batch.metrics.some((m) => m.name === 'twelve_process_resident_memory_bytes' && m.gauge!.dataPoints.length > 0));
  assert.ok(batch.metrics.some((m) => m.name === 'nodejs_eventloop_lag_seconds'));
});
