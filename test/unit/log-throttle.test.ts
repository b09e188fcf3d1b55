import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/log-throttle.js';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const text: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { text.push(chunk.toString()); done(); } });
  return { stream, lines: () => text.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('says a repeated error once, then how many times it repeated, and other lines as they come', async () => {
  const out = capture();
  const logger = createLogger('info', out.stream, 200);
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  for (let i = 0; i < 5000; i++) logger.error({ app: 'shop', count: i, err: full }, 'could not write log lines to disk; they are lost');
  logger.error({ app: 'blog', err: full }, 'could not write log lines to disk; they are lost');
  for (let i = 0; i < 3; i++) logger.info('info lines are never held back');
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (out.lines().some((line) => line.repeated !== undefined)) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
  const lines = out.lines();
  const said = (app: string) => lines.filter((line) => line.app === app && line.repeated === undefined);
  assert.equal(said('shop').length, 1);
  assert.equal(said('blog').length, 1, 'another app\'s failure is its own line');
  assert.equal(lines.filter((line) => line.msg === 'info lines are never held back').length, 3);
  const summary = lines.find((line) => line.repeated !== undefined)!;
  assert.equal(summary.app, 'shop');
  assert.equal(summary.repeated, 4999);
  assert.match(String(summary.msg), /repeated 4999 more times: could not write log lines to disk/);
});
