import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogBatch } from '../../src/logs/log-batch.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { RequestLogBatcher } from '../../src/router/request-log-batcher.js';

test('router lines of one turn of the event loop go out as one batch per app, in order', async () => {
  const bus = new LogBus();
  const batches: LogBatch[] = [];
  bus.subscribeBatches('shop', (batch) => batches.push(batch));
  const batcher = new RequestLogBatcher(bus);
  batcher.add('shop', 'at=info path="/1"');
  batcher.add('other', 'at=info path="/x"');
  batcher.add('shop', 'at=info path="/2"');
  assert.equal(batches.length, 0, 'nothing before the turn ends');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.count, 2);
  assert.deepEqual(bus.history('shop').map((e) => [e.source, e.process, e.text]),
    [['router', 'router', 'at=info path="/1"'], ['router', 'router', 'at=info path="/2"']]);
  batcher.add('shop', 'at=info path="/3"');
  batcher.flush(); // the router closing: no waiting for the turn
  assert.equal(bus.history('shop').at(-1)!.text, 'at=info path="/3"');
});
