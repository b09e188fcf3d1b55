import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ApiClient } from '../../src/cli/api-client.js';
import type { LogEvent } from '../../src/api/types.js';
import type { CliError } from '../../src/cli/cli-error.js';
import { streamLogs } from '../../src/cli/log-tail.js';
import { type FakeApi, sendError, startFakeApi } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function event(id: number): LogEvent {
  return { id, time: '2026-11-26T16:00:00.000Z', app: 'hello', source: 'app', process: 'web.1', text: `line ${id}` };
}

const lines = (...ids: number[]) => ids.map((id) => `${JSON.stringify(event(id))}\n`).join('');

describe('streamLogs', () => {
  it('asks for the recent lines of a process type and returns at the end without --tail', async () => {
    api = await startFakeApi((_request, response) => { response.writeHead(200); response.end(lines(1, 2)); });
    const seen: number[] = [];
    await streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello', { lines: 5, ps: 'web' }, (e) => seen.push(e.id));
    assert.deepEqual(seen, [1, 2]);
    assert.equal(api.requests[0]!.url, '/v1/apps/hello/logs?lines=5&ps=web&format=frames');
  });

  it('reconnects after the last event when the tail drops, prints no line twice, and gives up without the API', async () => {
    api = await startFakeApi((request, response) => {
      const attempt = api!.requests.length;
      if (attempt === 1) {
        response.writeHead(200);
        response.write(lines(1, 2), () => setImmediate(() => response.destroy()));
      } else if (attempt === 2) {
        response.writeHead(200);
        response.end(lines(2, 3)); // 2 again: a server that resends must not make us print it twice
      } else {
        request.socket.destroy();
      }
    });
    const seen: number[] = [];
    let reconnects = 0;
    const started = Date.now();
    await assert.rejects(
      streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello',
        { lines: 100, tail: true, giveUpMs: 400, onReconnecting: () => { reconnects += 1; } }, (e) => seen.push(e.id)),
      (error: CliError) => error.code === 'API_UNREACHABLE');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(api.requests[0]!.url, '/v1/apps/hello/logs?lines=100&tail=true&format=frames');
    assert.equal(api.requests[1]!.url, '/v1/apps/hello/logs?after=2&tail=true&format=frames');
    assert.equal(api.requests[2]!.url, '/v1/apps/hello/logs?after=3&tail=true&format=frames');
    assert.equal(reconnects, 1, 'said once, when a reconnect failed (the first one worked at once)');
    assert.ok(Date.now() - started >= 400, 'kept trying for the give-up time');
  });

  it('resumes after the id the answer named when the tail dropped before its first line, missing nothing', async () => {
    api = await startFakeApi((request, response) => {
      const attempt = api!.requests.length;
      if (attempt === 1) {
        response.writeHead(200, { 'x-twelve-log-after': '41' });
        response.flushHeaders();
        setImmediate(() => response.destroy());
      } else if (attempt === 2) {
        response.writeHead(200);
        response.end(lines(42, 43)); // what came in while the tail was away
      } else {
        request.socket.destroy();
      }
    });
    const seen: number[] = [];
    await assert.rejects(
      streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello', { lines: 0, tail: true, giveUpMs: 200 }, (e) => seen.push(e.id)),
      (error: CliError) => error.code === 'API_UNREACHABLE');
    assert.equal(api.requests[0]!.url, '/v1/apps/hello/logs?lines=0&tail=true&format=frames');
    assert.equal(api.requests[1]!.url, '/v1/apps/hello/logs?after=41&tail=true&format=frames');
    assert.deepEqual(seen, [42, 43]);
  });

  it('asks for every line since a time fixed once: a reconnect before the first line asks from the same time', async () => {
    api = await startFakeApi((request, response) => {
      if (api!.requests.length === 1) {
        response.writeHead(200, { 'x-twelve-log-after': '41' });
        response.flushHeaders();
        setImmediate(() => response.destroy());
      } else {
        request.socket.destroy();
      }
    });
    const before = Date.now();
    await assert.rejects(
      streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello', { since: '10m', tail: true, giveUpMs: 200 }, () => {}),
      (error: CliError) => error.code === 'API_UNREACHABLE');
    const asked = api.requests.map((request) => new URL(request.url!, 'http://x').searchParams);
    assert.equal(asked[0]!.get('lines'), null, 'no line count: every line since then');
    const since = Date.parse(asked[0]!.get('since')!);
    assert.ok(Math.abs(since - (before - 600_000)) < 5_000, asked[0]!.get('since')!);
    assert.equal(asked[1]!.get('after'), '41');
    assert.equal(asked[1]!.get('since'), asked[0]!.get('since'));
  });

  it('reads frames (format=frames) cut anywhere by the network into one event per line, with consecutive ids', async () => {
    const frame = (firstId: number, lines: string) => {
      const bytes = Buffer.from(lines);
      const count = lines.split('\n').length - 1;
      return Buffer.concat([Buffer.from(`${JSON.stringify({ firstId, lastId: firstId + count - 1, time: '2026-11-26T16:00:00.000Z', app: 'hello', source: 'app', process: 'web.1', bytes: bytes.length })}\n`), bytes]);
    };
    const body = Buffer.concat([frame(10, 'a\n\ncafé ☕\n'), frame(13, 'd\n')]);
    api = await startFakeApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-twelve-log-frames' });
      // One byte at a time: a header, a line and a character all cut across writes.
      let at = 0;
      const next = () => (at < body.length ? response.write(body.subarray(at, ++at), next) : response.end());
      next();
    });
    const seen: LogEvent[] = [];
    await streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello', { lines: 5 }, (e) => seen.push(e));
    assert.deepEqual(seen.map((e) => [e.id, e.text, e.process]), [[10, 'a', 'web.1'], [11, '', 'web.1'], [12, 'café ☕', 'web.1'], [13, 'd', 'web.1']]);
  });

  it('says the answer is broken when it ends inside a frame', async () => {
    api = await startFakeApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-twelve-log-frames' });
      response.end('{"firstId":1,"lastId":1,"time":"t","app":"hello","source":"app","process":"web.1","bytes":10}\nshort\n');
    });
    await assert.rejects(streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello', { lines: 5 }, () => {}),
      (error: CliError) => error.code === 'BAD_RESPONSE' && /ended inside a frame/.test(error.message));
  });

  it('stops at once when the API refuses the resumed tail, saying only why (the app was destroyed)', async () => {
    api = await startFakeApi((_request, response) => {
      if (api!.requests.length === 1) {
        response.writeHead(200);
        response.end(lines(7));
      } else {
        sendError(response, 404, 'APP_NOT_FOUND', 'no app named hello', 'hint');
      }
    });
    const seen: number[] = [];
    let reconnects = 0;
    await assert.rejects(streamLogs(new ApiClient({ baseUrl: api.url, token: 't' }), 'hello',
      { lines: 1, tail: true, giveUpMs: 60_000, onReconnecting: () => { reconnects += 1; } }, (e) => seen.push(e.id)),
    /no app named hello/);
    assert.deepEqual(seen, [7]);
    assert.equal(api.requests.length, 2);
    assert.equal(reconnects, 0, 'no "reconnecting..." before the refusal');
  });
});
