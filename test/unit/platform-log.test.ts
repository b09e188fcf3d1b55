import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanLine } from '../../src/platform-log.js';

test('a pino line reads as a person reads it on a terminal', () => {
  const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 11, 7, 14, 2, 11), pid: 1, hostname: 'h', app: 'shop', err: { message: 'no route' }, msg: 'could not restore app' });
  assert.equal(humanLine(line), '14:02:11 warn  could not restore app app=shop err="no route"');
  assert.equal(humanLine('not json'), 'not json');
});
