import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { ApiClient, clientOptionsFromEnv } from '../../src/cli/api-client.js';
import { CliError } from '../../src/cli/cli-error.js';
import { closedPort, type FakeApi, sendError, sendJson, startFakeApi } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function client(token = 'secret'): ApiClient {
  return new ApiClient({ baseUrl: api!.url, token });
}

describe('ApiClient.request', () => {
  it('sends the bearer token and resolves with the JSON answer', async () => {
    api = await startFakeApi((_request, response) => sendJson(response, 200, [{ name: 'hello' }]));
    assert.deepEqual(await client().request('GET', '/v1/apps'), [{ name: 'hello' }]);
    assert.equal(api.requests[0]!.url, '/v1/apps');
    assert.equal(api.requests[0]!.headers.authorization, 'Bearer secret');
  });

  it('sends a JSON body', async () => {
    api = await startFakeApi(async (_request, response, body) => sendJson(response, 201, JSON.parse((await body()).toString())));
    assert.deepEqual(await client().request('POST', '/v1/apps', { name: 'hello' }), { name: 'hello' });
    assert.equal(api.requests[0]!.headers['content-type'], 'application/json');
  });

  it('throws the API error envelope with its code, message and hint', async () => {
    api = await startFakeApi((_request, response) => sendError(response, 404, 'APP_NOT_FOUND', 'no app named shop', 'Run `twelve apps`.'));
    await assert.rejects(client().request('GET', '/v1/apps/shop'), (error: CliError) => {
      assert.ok(error instanceof CliError);
      assert.equal(error.code, 'APP_NOT_FOUND');
      assert.equal(error.message, 'no app named shop');
      assert.equal(error.hint, 'Run `twelve apps`.');
      assert.equal(error.status, 404);
      return true;
    });
  });

  it('throws the bare status for an answer that is not an envelope', async () => {
    api = await startFakeApi((_request, response) => { response.writeHead(502); response.end('<html>bad gateway</html>'); });
    await assert.rejects(client().request('GET', '/v1/apps'), (error: CliError) => error.code === 'HTTP_ERROR' && error.status === 502);
  });

  it('says twelve is not running when the connection is refused', async () => {
    const port = await closedPort();
    const refused = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: undefined });
    await assert.rejects(refused.request('GET', '/v1/apps'), (error: CliError) => {
      assert.equal(error.message, `twelve is not running at http://127.0.0.1:${port}.`);
      assert.equal(error.hint, 'Start it with `twelve serve`.');
      return true;
    });
  });
});

describe('ApiClient.stream', () => {
  it('yields each NDJSON line as it arrives, before the answer ends', async () => {
    let sendRest!: () => void;
    const restAsked = new Promise<void>((resolve) => { sendRest = resolve; });
    api = await startFakeApi(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write('{"type":"stage","stage":"build"}\n{"type":"out');
      await restAsked;
      response.write('put","text":"é"}\n\n');
      response.end('{"type":"done"}');
    });
    const events = await client().stream('GET', '/v1/apps/hello/logs');
    const first = await events.next();
    assert.deepEqual(first.value, { type: 'stage', stage: 'build' }, 'the first line is read while the server still holds the rest');
    sendRest();
    const rest: unknown[] = [];
    for await (const event of events) rest.push(event);
    assert.deepEqual(rest, [{ type: 'output', text: 'é' }, { type: 'done' }]);
  });

  it('throws the error envelope when the stream cannot start, and stops the upload', async () => {
    api = await startFakeApi((_request, response) => sendError(response, 404, 'APP_NOT_FOUND', 'no app named shop', 'hint'));
    let destroyed = false;
    const body = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
    body.on('close', () => { destroyed = true; });
    await assert.rejects(client().stream('POST', '/v1/apps/shop/deploys', { body }), /no app named shop/);
    assert.equal(destroyed, true);
  });

  it('uploads a streamed body with its headers', async () => {
    api = await startFakeApi(async (_request, response, body) => {
      const received = await body();
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end(`${JSON.stringify({ bytes: received.length })}\n`);
    });
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000, i));
    const events = await client().stream('POST', '/v1/apps/hello/deploys', {
      body: Readable.from(chunks), headers: { 'content-type': 'application/gzip', 'x-twelve-source-sha': 'abc' },
    });
    const all: unknown[] = [];
    for await (const event of events) all.push(event);
    assert.deepEqual(all, [{ bytes: 200_000 }]);
    assert.equal(api.requests[0]!.headers['content-type'], 'application/gzip');
    assert.equal(api.requests[0]!.headers['x-twelve-source-sha'], 'abc');
  });

  it('reports a line that is not JSON', async () => {
    api = await startFakeApi((_request, response) => { response.writeHead(200); response.end('not json\n'); });
    const events = await client().stream('GET', '/v1/apps/hello/logs');
    await assert.rejects((async () => { for await (const _ of events) { /* drain */ } })(), (error: CliError) => error.code === 'BAD_RESPONSE');
  });
});

describe('clientOptionsFromEnv', () => {
  it('reads the token the platform wrote into the data dir, and defaults the URL', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twelve-token-'));
    try {
      writeFileSync(join(dataDir, 'api-token'), 'from-file\n');
      assert.deepEqual(clientOptionsFromEnv({ TWELVE_DATA_DIR: dataDir }), { baseUrl: 'http://127.0.0.1:5100', token: 'from-file' });
      assert.deepEqual(clientOptionsFromEnv({ TWELVE_DATA_DIR: dataDir, TWELVE_API_TOKEN: 'from-env', TWELVE_API_URL: 'http://h:1' }),
        { baseUrl: 'http://h:1', token: 'from-env' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sends no token when there is none, so the API answers 401 with its hint', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twelve-token-'));
    try {
      assert.equal(clientOptionsFromEnv({ TWELVE_DATA_DIR: dataDir }).token, undefined);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a TWELVE_API_URL that is not a URL', () => {
    assert.throws(() => new ApiClient({ baseUrl: 'not a url', token: undefined }), /is not a URL/);
  });
});
