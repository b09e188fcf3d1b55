/** HTTP drains whose receiver refuses batches: too large (413), for good (4xx), or for now (503, retried as formed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRefusalReport } from '../../src/logs/drains/drain-refusal.js';
import { listDrains } from '../../src/logs/drains/drain-rows.js';
import { appLinesAt, httpReceiverSetup, publishLines, testDatabase } from './drain-setup.js';
import { waitUntil } from './receivers.js';

const database = testDatabase();
const withHttpReceiver = httpReceiverSetup(database, { reportMs: 50 });

/** `count` lines of `length` characters, each starting with `label N`. */
function longLines(label: string, count: number, length: number): string[] {
  return Array.from({ length: count }, (_, i) => `${label} ${i} `.padEnd(length, 'x'));
}

const texts = (lines: Array<{ text: string }>) => lines.map((line) => line.text);

describe('an HTTP drain whose receiver limits the body size', () => {
  it('keeps each POST within 1 MiB, so a receiver with nginx\'s default limit takes 40 lines of 60 KiB', async () => {
    await withHttpReceiver('bigbody', async ({ app, bus, drains, receiver }) => {
      drains.add(app.id, `http://127.0.0.1:${receiver.port}/logs`);
      const said = longLines('big', 40, 60 * 1024);
      for (const text of said) bus.publish('bigbody', 'app', 'web.1', text);
      await waitUntil('the 40 lines to arrive', () => appLinesAt(receiver).length >= 40);
      assert.deepEqual(texts(appLinesAt(receiver)), said);
      assert.deepEqual(receiver.attempts.filter((a) => a.status !== 204).map((a) => `${a.status}: ${a.bytes} bytes`), []);
      assert.ok(receiver.attempts.every((a) => a.bytes <= 1024 * 1024));
      assert.equal(drains.list(app.id)[0]!.dropped, 0);
    }, (receiver) => { receiver.maxBodyBytes = 1024 * 1024; });
  });

  it('splits a batch refused as too large (413), and drops only a message too large alone, saying so', async () => {
    await withHttpReceiver('splitting', async ({ app, bus, drains, receiver }) => {
      drains.add(app.id, `http://user:secret@127.0.0.1:${receiver.port}/logs`);
      const before = longLines('before', 10, 20_000);
      const after = longLines('after', 5, 20_000);
      for (const text of [...before, 'huge '.padEnd(60_000, 'x'), ...after]) bus.publish('splitting', 'app', 'web.1', text);
      await waitUntil('the lines that fit to arrive', () => appLinesAt(receiver).length >= 15);
      assert.deepEqual(texts(appLinesAt(receiver)), [...before, ...after], 'in order, once, without the huge one');
      assert.ok(receiver.attempts.some((a) => a.status === 413), 'the first batch was refused');
      await waitUntil('the refusal in the stream', () => bus.history('splitting').some((e) => / refused 1 message /.test(e.text)));
      const said = bus.history('splitting').find((e) => / refused 1 message /.test(e.text))!;
      assert.equal(said.source, 'twelve');
      assert.match(said.text, new RegExp(`^Drain http://user:\\*\\*\\*@127\\.0\\.0\\.1:${receiver.port}/logs refused 1 message since \\S+; dropped it: `
        + 'the drain answered 413 \\(Payload Too Large\\) even for one message at a time\\. Raise the receiver\'s request body limit'));
      const status = drains.list(app.id)[0]!;
      assert.equal(status.dropped, 1);
      assert.equal(status.state, 'up');
    }, (receiver) => { receiver.maxBodyBytes = 50_000; });
  });
});

describe('an HTTP drain whose receiver refuses batches', () => {
  it('drops what is refused for good (401), reports it, and delivers what comes next instead of retrying forever', async () => {
    await withHttpReceiver('refused', async ({ app, bus, drains, receiver }) => {
      drains.add(app.id, `http://127.0.0.1:${receiver.port}/logs`);
      receiver.refusing = 401;
      publishLines(bus, 'refused', ['web.1'], 10, 'refused');
      await waitUntil('the refusal in the stream', () => bus.history('refused').some((e) => / refused \d+ messages? since /.test(e.text)));
      assert.match(bus.history('refused').find((e) => / refused /.test(e.text))!.text,
        /; dropped them: the drain answered 401 \(Unauthorized\)\. Retrying would not change that: check the drain's URL/);
      await waitUntil('the 10 lines counted as dropped', () => drains.list(app.id)[0]!.dropped >= 10);
      // A restart resumes after them: they would only be refused again.
      const lastRefused = bus.history('refused').filter((e) => e.text.startsWith('refused ')).at(-1)!.id;
      await waitUntil('the drain\'s progress saved past them', () => listDrains(database(), app.id)[0]!.sentThrough >= lastRefused);
      assert.match(drains.list(app.id)[0]!.lastError ?? '', /answered 401 \(Unauthorized\); \d+ messages dropped/);
      // Its own report, refused in turn, is not the subject of the next one (a report a second for ever).
      await waitUntil('the report refused too', () => receiver.attempts.some((a) => a.status === 401 && a.messages.some((m) => / refused \d+ messages? since /.test(m))));
      bus.publish('refused', 'app', 'web.1', 'marker');
      const marker = bus.history('refused').at(-1)!.id;
      const reports = () => bus.history('refused').filter((e) => isRefusalReport(e));
      await waitUntil('the marker\'s refusal reported', () => reports().some((e) => e.id > marker));
      const reported = reports().reduce((sum, e) => sum + Number(/ refused (\d+) message/.exec(e.text)![1]), 0);
      assert.equal(reported, 12, '"Drain added", the 10 lines and the marker, not the reports');

      receiver.refusing = null;
      const later = publishLines(bus, 'refused', ['web.1'], 5, 'later');
      await waitUntil('the later lines to arrive', () => appLinesAt(receiver).length >= 5);
      assert.deepEqual(texts(appLinesAt(receiver)), later.get('web.1'));
    });
  });

  it('retries a batch as it was formed, with the same Logplex-Frame-Id; what came meanwhile goes in the next batch', async () => {
    await withHttpReceiver('frames', async ({ app, bus, drains, receiver }) => {
      receiver.failing = true;
      drains.add(app.id, `http://127.0.0.1:${receiver.port}/logs`);
      const first = publishLines(bus, 'frames', ['web.1'], 5, 'first').get('web.1')!;
      await waitUntil('two attempts', () => receiver.attempts.length >= 2);
      const second = publishLines(bus, 'frames', ['web.1'], 5, 'second').get('web.1')!;
      await waitUntil('two more attempts', () => receiver.attempts.length >= 4);
      receiver.failing = false;
      await waitUntil('every line to arrive', () => appLinesAt(receiver).length >= 10);
      assert.deepEqual(texts(appLinesAt(receiver)), [...first, ...second]);
      const [formed, ...later] = receiver.attempts;
      const retries = later.filter((a) => a.frameId === formed!.frameId);
      assert.ok(retries.length >= 3, `${retries.length} retries of the first batch`);
      for (const retry of retries) assert.deepEqual(retry.messages, formed!.messages, 'the same messages each time');
      assert.equal(retries.at(-1)!.status, 204);
      assert.ok(!formed!.messages.some((m) => m.includes('second')), 'later lines are not merged into the first batch');
      assert.equal(receiver.attempts.filter((a) => a.status === 204 && a.frameId === formed!.frameId).length, 1);
    });
  });
});
