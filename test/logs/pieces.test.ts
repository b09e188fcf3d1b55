import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainBuffer } from '../../src/logs/drains/drain-buffer.js';
import { parseDrainUrl, displayUrl } from '../../src/logs/drains/drain-url.js';
import { frames, syslogMessage } from '../../src/logs/drains/syslog-frame.js';
import { parseDuration, parseSince, parseSize } from '../../src/logs/durations.js';
import type { LogEvent } from '../../src/logs/log-event.js';
import { decodeLine, encodeLine } from '../../src/logs/segment-line.js';

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
    assert.equal(buffer.takeDropped(), 2);
    assert.equal(buffer.takeDropped(), 0);
    buffer.push(event(6));
    buffer.putBack([event(3), event(4), event(5)]);
    assert.deepEqual(buffer.take(10).map((e) => e.id), [4, 5, 6]);
    assert.equal(buffer.dropped, 3);
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

  it('stores an event as one plain line and reads it back', () => {
    const line = encodeLine(17, 1_767_225_600_000, 'router', 'router', 'at=info path="/a b"');
    assert.equal(line, '17 1767225600000 router router at=info path="/a b"\n');
    assert.deepEqual(decodeLine('shop', line.slice(0, -1)), {
      id: 17, ms: 1_767_225_600_000, time: '2026-01-01T00:00:00.000Z', app: 'shop', source: 'router', process: 'router', text: 'at=info path="/a b"',
    });
    assert.equal(decodeLine('shop', 'garbage'), undefined);
  });
});
