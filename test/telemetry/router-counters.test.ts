/** What the router counts for /metrics, through a real router and real backends. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { FixedHistogram } from '../../src/telemetry/histogram.js';
import { RouterCounters, STATUS_CLASSES } from '../../src/telemetry/router-counters.js';
import { closedPort, get, startBackend, startRouter, waitFor, type TestBackend } from '../router/helpers.js';

const backends: TestBackend[] = [];
after(async () => { await Promise.all(backends.map((backend) => backend.close())); });

function classCount(counters: RouterCounters, app: string, dyno: string, statusClass: string): number {
  return counters.apps.get(app)?.dynos.get(dyno)?.byClass[STATUS_CLASSES.indexOf(statusClass as never)] ?? 0;
}

test('a histogram estimates quantiles the way histogram_quantile does', () => {
  const histogram = new FixedHistogram([0.1, 0.2, 0.4]);
  for (let i = 0; i < 90; i += 1) histogram.observe(0.05);
  for (let i = 0; i < 10; i += 1) histogram.observe(0.3);
  assert.deepEqual(histogram.cumulative(), [90, 90, 100, 100]);
  assert.ok(Math.abs(histogram.quantile(0.99) - (0.2 + 0.2 * 0.9)) < 1e-9);
  assert.ok(Math.abs(histogram.quantile(0.5) - 0.1 * (50 / 90)) < 1e-9);
  histogram.observe(7);
  assert.equal(histogram.counts[3], 1);
});

test('counts requests by dyno and status class, body bytes both ways, and times the first byte and the whole', async () => {
  const counters = new RouterCounters();
  const backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('hello'), 30));
  });
  backends.push(backend);
  const { table, port, close } = await startRouter({ counters });
  table.setApp('a');
  table.addBackend('a', { id: 'p1', process: 'web.1', port: backend.port });
  assert.equal((await get(port, 'a.localhost', { method: 'POST', body: '12345678', headers: { 'content-length': '8' } })).status, 200);
  assert.equal((await get(port, 'a.localhost')).status, 200);
  await close();
  const app = counters.apps.get('a')!;
  assert.equal(classCount(counters, 'a', 'web.1', '2xx'), 2);
  assert.equal(app.requestBytes, 8);
  assert.equal(app.responseBytes, 10);
  assert.equal(app.firstByte.count, 2);
  assert.equal(app.total.count, 2);
  assert.ok(app.firstByte.sum >= 0.06, `time to first byte ${app.firstByte.sum} s covers the backend's 30 ms twice`);
  assert.ok(app.total.sum >= app.firstByte.sum);
});

test('counts router errors by code on dyno none, and a retry on another process', async () => {
  const counters = new RouterCounters();
  const backend = await startBackend((_req, res) => res.end('ok'));
  backends.push(backend);
  const { table, port, close } = await startRouter({ counters });
  table.setApp('empty');
  assert.equal((await get(port, 'empty.localhost')).status, 503);
  table.setApp('b');
  table.addBackend('b', { id: 'gone', process: 'web.1', port: await closedPort() });
  table.addBackend('b', { id: 'live', process: 'web.2', port: backend.port });
  // The first pick is web.1, on the closed port: refused, and retried on web.2.
  assert.equal((await get(port, 'b.localhost')).status, 200);
  await close();
  assert.equal(counters.apps.get('empty')!.dynos.get('none')!.byCode[1], 1); // T11
  assert.equal(classCount(counters, 'empty', 'none', '5xx'), 1);
  assert.equal(counters.apps.get('b')!.retries, 1);
  assert.equal(classCount(counters, 'b', 'web.2', '2xx'), 1);
  assert.equal(counters.apps.get('b')!.dynos.has('web.1'), false, 'the refused attempt is not a request of web.1');
  assert.equal(counters.apps.get('empty')!.firstByte.count, 0, 'no process answered: no time to first byte');
});

test('a websocket tunnel shows in the gauges while it is open', async () => {
  const counters = new RouterCounters();
  const backend = await startBackend((_req, res) => res.end('no upgrade'));
  backends.push(backend);
  backend.server.on('upgrade', (_req, socket: net.Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  const { router, table, port, close } = await startRouter({ counters });
  table.setApp('w');
  table.addBackend('w', { id: 'p', process: 'web.1', port: backend.port });
  const client = net.connect(port, '127.0.0.1');
  let received = '';
  client.on('data', (chunk: Buffer) => { received += chunk.toString(); });
  client.write('GET / HTTP/1.1\r\nHost: w.localhost\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
  await waitFor(() => received.includes('\r\n\r\n'), 'the 101');
  assert.equal(router.gauges().tunnels.get('w'), 1);
  assert.equal(router.gauges().connections, 1);
  assert.equal(classCount(counters, 'w', 'web.1', '1xx'), 1);
  client.destroy();
  await waitFor(() => router.gauges().connections === 0, 'the tunnel to close');
  assert.equal(router.gauges().tunnels.size, 0);
  await close();
});
