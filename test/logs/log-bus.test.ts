/** The log bus's fan-out: a listener that throws is reported and dropped, the others keep their events. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LogBus } from '../../src/logs/log-bus.js';

it('reports a listener that throws, stops calling it, and still gives the event to the others', () => {
  const reported: Array<{ app: string; message: string }> = [];
  const bus = new LogBus(undefined, 100, 0, (app, error) => reported.push({ app, message: (error as Error).message }));
  const before: string[] = [];
  const after: string[] = [];
  let brokenCalls = 0;
  bus.subscribe('shop', (event) => before.push(event.text));
  bus.subscribe('shop', () => {
    brokenCalls += 1;
    throw new Error('tail is broken');
  });
  bus.subscribe('shop', (event) => after.push(event.text));

  bus.publish('shop', 'app', 'web.1', 'one');
  bus.publish('shop', 'app', 'web.1', 'two');

  assert.deepEqual(before, ['one', 'two']);
  assert.deepEqual(after, ['one', 'two']);
  assert.equal(brokenCalls, 1);
  assert.deepEqual(reported, [{ app: 'shop', message: 'tail is broken' }]);
});
