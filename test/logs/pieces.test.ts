import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainBuffer } from '../../src/logs/drains/drain-buffer.js';
import { DrainRefusal, refusalOutcome, refusalReport } from '../../src/logs/drains/drain-refusal.js';
import { parseDrainUrl, displayUrl } from '../../src/logs/drains/drain-url.js';
import { frames, syslogMessage } from '../../src/logs/drains/syslog-frame.js';
import { parseDuration, parseSince, parseSize } from '../../src/logs/durations.js';
import type { LogEvent } from '../../src/logs/log-event.js';
import { encodeHeader, recordLines, scanRecords } from '../../src/logs/segment-records.js';
import { batchPieces, eventPieces } from '../../src/api/log-stream.js';
import type { LogBatch } from '../../src/logs/log-batch.js';

const event = (id: number, text = `line ${id}`): LogEvent => ({ id, time: '2026-01-01T00:00:00.000Z', app: 'shop', source: 'app', process: 'web.1', text });

describe('log pieces', () => {
  it('writes an RFC 5424 message with octet-counted framing, counting bytes not characters', () => {
    assert.equal(syslogMessage(event(1, 'hi')), '<190>1 2026-01-01T00:00:00.000Z shop app web.1 - - hi');
    const framed = frames([event(1, 'héllo')]);
    const message = '<190>1 2026-01-01T00:00:00.000Z shop app web.1 - - héllo';
    assert.equal(framed, `${Buffer.byteLength(message)} ${message}`);
    assert.equal(Buffer.byteLength(message), message.length + 1);
  });

  it('takes syslog+tcp, syslog+tls, http and https drain URLs and refuses others', () => {
    assert.deepEqual({ ...parseDrainUrl('syslog+tcp://127.0.0.1:5514'), url: undefined }, { kind: 'syslog+tcp', host: '127.0.0.1', port: 5514, url: undefined });
    assert.equal(parseDrainUrl('syslog+tls://logs.example.com').port, 6514);
    assert.equal(parseDrainUrl('https://user:pw@logs.example.com/drain').port, 443);
    assert.throws(() => parseDrainUrl('ftp://x'), { code: 'INVALID_DRAIN_URL' });
    assert.throws(() => parseDrainUrl('nonsense'), { code: 'INVALID_DRAIN_URL' });
    assert.equal(displayUrl('https://user:pw@logs.example.com/drain'), 'https://user:***@logs.example.com/drain');
  });

  it('a full drain buffer drops the oldest events and counts them', () => {
    const buffer = new DrainBuffer(3);
    for (let id = 1; id <= 5; id += 1) buffer.push(event(id));
    assert.deepEqual(buffer.take(10).map((e) => e.id), [3, 4, 5]);
    assert.equal(buffer.dropped, 2);
    const taken = buffer.takeDropped();
    assert.equal(taken.count, 2);
    assert.ok(taken.since !== null && Date.now() - Date.parse(taken.since) < 60_000, 'when the first was dropped');
    assert.deepEqual(buffer.takeDropped(), { count: 0, since: null });
  });

  it('a drain buffer counts a batch taken out until it is settled, and never cuts it', () => {
    const buffer = new DrainBuffer(3);
    for (let id = 1; id <= 3; id += 1) buffer.push(event(id));
    assert.deepEqual(buffer.take(2).map((e) => e.id), [1, 2]);
    buffer.push(event(4));
    assert.deepEqual([buffer.length, buffer.dropped], [1, 1], 'the oldest waiting event (3) made room, not the batch');
    buffer.settle([event(1), event(2)]);
    buffer.push(event(5));
    buffer.push(event(6));
    assert.deepEqual(buffer.take(10).map((e) => e.id), [4, 5, 6]);
    assert.equal(buffer.dropped, 1);
  });

  it('a drain batch stops at its byte limit, and holds one event however big', () => {
    const buffer = new DrainBuffer(100);
    for (const length of [40, 40, 40, 500, 10]) buffer.push({ ...event(length), text: 'x'.repeat(length) });
    const size = (e: LogEvent) => e.text.length;
    assert.deepEqual(buffer.take(10, 100, size).map((e) => e.text.length), [40, 40]);
    assert.deepEqual(buffer.take(10, 100, size).map((e) => e.text.length), [40]);
    assert.deepEqual(buffer.take(10, 100, size).map((e) => e.text.length), [500]);
    assert.deepEqual(buffer.take(10, 100, size).map((e) => e.text.length), [10]);
  });

  it('a drain buffer also drops the oldest events beyond its bytes, keeping the newest however long', () => {
    const long = (id: number, length: number) => ({ ...event(id), text: 'x'.repeat(length) });
    const buffer = new DrainBuffer(1000, 100);
    for (let id = 1; id <= 4; id += 1) buffer.push(long(id, 30));
    assert.equal(buffer.length, 3, '120 bytes held 90');
    buffer.push(long(5, 250));
    assert.deepEqual(buffer.take(10).map((e) => e.id), [5]);
    assert.equal(buffer.takeDropped().count, 4);
    buffer.settle([long(5, 250)]);
    buffer.push(long(6, 40));
    assert.deepEqual(buffer.take(10).map((e) => e.id), [6]);
    buffer.push(long(7, 40));
    buffer.push(long(8, 40));
    assert.deepEqual(buffer.take(10).map((e) => e.id), [8], 'the batch on its way (6) counts: 7 made room');
    buffer.settle([long(6, 40), long(8, 40)]);
    buffer.push(long(9, 100));
    assert.equal(buffer.length, 1, 'what was taken no longer counts');
  });

  it('retries a batch a receiver may take later, splits one too large, and drops one refused for good', () => {
    for (const status of [500, 502, 503, 408, 429]) assert.equal(refusalOutcome(new DrainRefusal(status), 10), 'retry', String(status));
    assert.equal(refusalOutcome(new Error('ECONNREFUSED'), 10), 'retry');
    assert.equal(refusalOutcome(new DrainRefusal(413), 10), 'split');
    assert.equal(refusalOutcome(new DrainRefusal(413), 1), 'drop');
    // A redirect is not followed: it would answer the same forever.
    for (const status of [301, 302, 308, 400, 401, 403, 404, 422]) assert.equal(refusalOutcome(new DrainRefusal(status), 10), 'drop', String(status));
    assert.match(refusalReport('http://h/x', '2026-11-27T00:00:00.000Z', 301, 2), /refused 2 messages since 2026-11-27T00:00:00.000Z; dropped them: the drain answered 301 \(Moved Permanently\)\. twelve does not follow redirects/);
    assert.equal(new DrainRefusal(413).message, 'the drain answered 413 (Payload Too Large)');
  });

  it('reads sizes, durations and since the way users type them', () => {
    assert.equal(parseSize('100MB'), 100 * 1024 * 1024);
    assert.equal(parseSize('1.5gb'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('ten'), undefined);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseSince('10m', 1_000_000), 400_000);
    assert.equal(parseSince('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(parseSince('yesterday'), undefined);
  });

  it('stores a batch as a header and its lines verbatim, and reads the lines back', () => {
    const lines = Buffer.from('one\n\tindented "q"\n\ncafé\n');
    const header = encodeHeader(40, 1_767_225_600_000, 'app', 'web.1', 4, lines.length);
    assert.equal(header.toString(), `#40 1767225600000 app web.1 4 ${lines.length}\n`);
    const torn = Buffer.concat([encodeHeader(50, 1, 'app', 'web.1', 2, 10), Buffer.from('half\n')]);
    // A damaged line between records is skipped, and never read as an event of the old line format.
    const after = Buffer.from('ok\n');
    const data = Buffer.concat([header, lines, Buffer.from('200 5 GET /x ok\n'), encodeHeader(44, 2, 'router', 'router', 1, 3), after, torn]);
    const records = scanRecords(data);
    assert.deepEqual(records.map((r) => [r.firstId, r.count, r.source, r.process, r.ms]),
      [[40, 4, 'app', 'web.1', 1_767_225_600_000], [44, 1, 'router', 'router', 2]]);
    assert.deepEqual(recordLines(data, records[0]!), ['one', '\tindented "q"', '', 'café']);
    assert.deepEqual(recordLines(data, records[1]!), ['ok']);
    // A segment from before records: one event a line.
    const legacy = Buffer.from('17 1767225600000 router router at=info path="/a b"\n 5 x y z\n18 1767225600001 app web.1 hi\n');
    const old = scanRecords(legacy);
    assert.deepEqual(old.map((r) => [r.firstId, r.count, r.process]), [[17, 1, 'router'], [18, 1, 'web.1']]);
    assert.deepEqual(recordLines(legacy, old[0]!), ['at=info path="/a b"']);
  });

  it('sends a live batch as one frame of its bytes, or one event per line, after the id already sent', () => {
    const bytes = Buffer.from('a\nb "q"\nc\n');
    const batch: LogBatch = { firstId: 100, count: 3, time: '2026-01-01T00:00:00.000Z', ms: 0, app: 'shop', source: 'app', process: 'web.1', bytes };
    const frame = batchPieces(batch, 0, 'frames');
    assert.equal(frame.length, 2);
    assert.deepEqual(JSON.parse(frame[0] as string), { firstId: 100, lastId: 102, time: batch.time, app: 'shop', source: 'app', process: 'web.1', bytes: bytes.length });
    assert.equal(frame[1], bytes, 'the bytes themselves, not a copy');
    const rest = batchPieces(batch, 100, 'frames');
    assert.deepEqual([JSON.parse(rest[0] as string).firstId, rest[1]!.toString()], [101, 'b "q"\nc\n']);
    assert.deepEqual(batchPieces(batch, 102, 'frames'), []);
    const records = (pieces: Array<string | Buffer>) => pieces.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records(batchPieces(batch, 100, 'event')).map((r) => [r.id, r.text]), [[101, 'b "q"'], [102, 'c']]);
    // grep keeps ids exact: each match is a frame of its own.
    const grepped = batchPieces(batch, 0, 'frames', 'c');
    assert.deepEqual([JSON.parse(grepped[0] as string).firstId, grepped[1]!.toString()], [102, 'c\n']);
    // Stored events: consecutive ids of one process at one time share a frame.
    const stored = [event(1), event(2), { ...event(3), process: 'web.2' }, event(5)];
    const pieces = eventPieces(stored, 'frames');
    assert.deepEqual(pieces.filter((_, i) => i % 2 === 0).map((h) => { const f = JSON.parse(h as string); return [f.firstId, f.lastId, f.process]; }),
      [[1, 2, 'web.1'], [3, 3, 'web.2'], [5, 5, 'web.1']]);
    assert.deepEqual(pieces.filter((_, i) => i % 2 === 1).map(String), ['line 1\nline 2\n', 'line 3\n', 'line 5\n']);
  });
});
