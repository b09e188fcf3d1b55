import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { LogBus } from '../../src/logs/log-bus.js';
import { ProcessLog } from '../../src/run/process-log.js';

const lines = (from: number, count: number) => Buffer.from(Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join(''));
const expected = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe('ProcessLog', () => {
  it('keeps the last 20 output lines across blocks of any size, though the read buffer is reused', () => {
    const log = new ProcessLog(new LogBus(), pino({ level: 'silent' }), 'shop', 'web.1');
    assert.deepEqual(log.lastLines, []);
    const readBuffer = Buffer.alloc(4096);
    let next = 1;
    const feed = (count: number) => {
      const bytes = lines(next, count);
      bytes.copy(readBuffer);
      log.block(readBuffer.subarray(0, bytes.length), count);
      readBuffer.fill('#');
      next += count;
    };
    feed(5);
    assert.deepEqual(log.lastLines, expected(1, 5));
    feed(10);
    feed(3);
    assert.deepEqual(log.lastLines, expected(1, 18));
    feed(4);
    assert.deepEqual(log.lastLines, expected(3, 22));
    feed(30);
    assert.deepEqual(log.lastLines, expected(33, 52));
    for (let i = 0; i < 25; i++) feed(1);
    assert.deepEqual(log.lastLines, expected(58, 77));
  });
});
