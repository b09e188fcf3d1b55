/** Lines and bytes per process in an app's stream, counted as the log bus publishes them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogBus } from '../../src/logs/log-bus.js';

test('the bus counts lines and bytes per process; one-offs count together as run; a destroyed app\'s counts go', () => {
  const bus = new LogBus();
  bus.publish('a', 'app', 'web.1', 'one');
  bus.publishLines('a', 'router', 'router', ['x', 'yy']);
  bus.publish('a', 'app', 'run.4821', 'hello');
  bus.publish('a', 'app', 'run.4822', 'hi');
  bus.counters.notWritten('a', 3);
  assert.deepEqual([...bus.counters.apps.get('a')!], [['web.1', { lines: 1, bytes: 4 }], ['router', { lines: 2, bytes: 5 }], ['run', { lines: 2, bytes: 9 }]]);
  assert.equal(bus.counters.unwritten.get('a'), 3);
  bus.forget('a');
  assert.equal(bus.counters.apps.has('a'), false);
  assert.equal(bus.counters.unwritten.has('a'), false);
});
