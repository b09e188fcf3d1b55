import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, afterEach, before, describe, it } from 'node:test';
import { closedPort, type FakeApi, type Handler, sendError, sendJson, startFakeApi } from './fake-api.js';

const BIN = fileURLToPath(new URL('../../../bin/twelve.js', import.meta.url));

interface Outcome { code: number | null; stdout: string; stderr: string }

/** Runs the real `twelve` binary against `apiUrl`, without waiting synchronously (the fake API lives here). */
function twelve(apiUrl: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TWELVE_API_URL: apiUrl, TWELVE_API_TOKEN: 'tok', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let api: FakeApi | undefined;
let handler: Handler = (_request, response) => sendJson(response, 500, {});
afterEach(async () => {
  await api?.close();
  api = undefined;
});
async function serve(next: Handler): Promise<FakeApi> {
  handler = next;
  api = await startFakeApi((request, response, body) => handler(request, response, body));
  return api;
}

describe('twelve (the binary) against an API', () => {
  it('prints ps Heroku style', async () => {
    const since = new Date(Date.now() - 3 * 60_000 - 5000).toISOString();
    const { url } = await serve((_request, response) => sendJson(response, 200, [
      { name: 'web.1', type: 'web', number: 1, state: 'up', pid: 4242, port: 20001, release: 1, command: 'node server.js', since, restarts: 0 },
    ]));
    const result = await twelve(url, ['ps', '-a', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^=== web \(1\): node server\.js\nweb\.1: up \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \(~ 3m ago\), pid 4242, port 20001\n$/);
    assert.equal(api!.requests[0]!.url, '/v1/apps/hello/ps');
    assert.equal(api!.requests[0]!.headers.authorization, 'Bearer tok');
  });

  it('prints the API error and its hint on stderr and exits 1', async () => {
    const { url } = await serve((_request, response) => sendError(response, 404, 'APP_NOT_FOUND', 'no app named nope', 'Run `twelve apps` to list apps.'));
    const result = await twelve(url, ['releases', '-a', 'nope']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, ' ▸    no app named nope\n ▸    Run `twelve apps` to list apps.\n');
  });

  it('asks for -a when no app is given, without calling the API', async () => {
    const { url } = await serve((_request, response) => sendJson(response, 200, []));
    const result = await twelve(url, ['config']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^ ▸    Missing app: pass -a APP\n/);
    assert.equal(api!.requests.length, 0);
  });

  it('takes the app from TWELVE_APP', async () => {
    const { url } = await serve((_request, response) => sendJson(response, 200, { GREETING: 'hi' }));
    const result = await twelve(url, ['config:get', 'GREETING'], { TWELVE_APP: 'hello' });
    assert.equal(result.stdout, 'hi\n');
    assert.equal(api!.requests[0]!.url, '/v1/apps/hello/config');
  });

  it('says twelve is not running when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await twelve(url, ['apps']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, ` ▸    twelve is not running at ${url}.\n ▸    Start it with \`twelve serve\`.\n`);
  });

  it('sets config vars and says which release it made', async () => {
    const { url } = await serve(async (_request, response, body) => {
      const vars = JSON.parse((await body()).toString()) as Record<string, string>;
      sendJson(response, 200, { config: vars, release: { version: 2 } });
    });
    const result = await twelve(url, ['config:set', 'GREETING=hello', 'DSN=x?a=b', '-a', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(api!.requests[0]!.body.toString()), { GREETING: 'hello', DSN: 'x?a=b' });
    assert.equal(api!.requests[0]!.method, 'PATCH');
    assert.equal(result.stdout, 'Setting GREETING, DSN and restarting hello... done, v2\nGREETING: hello\nDSN:      x?a=b\n');
  });

  it('prints only the API\'s JSON with --json', async () => {
    const { url } = await serve((_request, response) => sendJson(response, 201, { name: 'hello', url: 'http://hello.localhost:5000/' }));
    const result = await twelve(url, ['apps:create', 'hello', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { name: 'hello', url: 'http://hello.localhost:5000/' });
  });

  it('refuses apps:destroy without a matching --confirm, before calling the API', async () => {
    const { url } = await serve((_request, response) => sendJson(response, 200, { destroyed: 'hello' }));
    const result = await twelve(url, ['apps:destroy', '-a', 'hello', '--confirm', 'hallo']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /pass --confirm hello/);
    assert.equal(api!.requests.length, 0);
  });
});

describe('twelve deploy', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'twelve-deploy-'));
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n');
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'x.js'), 'x');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const stream = (events: unknown[]): Handler => async (_request, response, body) => {
    await body();
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.end(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  };

  it('uploads a gzipped tar and prints the stages, the output and the release with its URL', async () => {
    const { url } = await serve(stream([
      { type: 'stage', stage: 'build' },
      { type: 'output', text: '-----> Node.js app detected' },
      { type: 'stage', stage: 'release' },
      { type: 'done', release: { version: 1 }, url: 'http://hello.localhost:5000/' },
    ]));
    const result = await twelve(url, ['deploy', dir, '-a', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '-----> Building\n-----> Node.js app detected\n-----> Releasing\n-----> released v1\n       http://hello.localhost:5000/\n');
    const request = api!.requests[0]!;
    assert.equal(request.url, '/v1/apps/hello/deploys');
    assert.equal(request.headers['content-type'], 'application/gzip');
    assert.equal(request.headers['x-twelve-source-sha'], undefined, 'not from git');
    assert.match(gunzipSync(request.body).toString('latin1'), /Procfile/);
  });

  it('prints the error event and exits 1', async () => {
    const { url } = await serve(stream([
      { type: 'stage', stage: 'build' },
      { type: 'error', error: { code: 'BUILD_FAILED', message: 'npm install failed', hint: 'Read the build output above.' } },
    ]));
    const result = await twelve(url, ['deploy', dir, '-a', 'hello']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '-----> Building\n');
    assert.equal(result.stderr, ' ▸    npm install failed\n ▸    Read the build output above.\n');
  });

  it('prints the events as NDJSON with --json', async () => {
    const events = [{ type: 'stage', stage: 'build' }, { type: 'done', release: { version: 1 }, url: 'http://hello.localhost:5000/' }];
    const { url } = await serve(stream(events));
    const result = await twelve(url, ['deploy', dir, '-a', 'hello', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n').map((line) => JSON.parse(line)), events);
  });

  it('fails when the stream ends without an outcome', async () => {
    const { url } = await serve(stream([{ type: 'stage', stage: 'build' }]));
    const result = await twelve(url, ['deploy', dir, '-a', 'hello']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ended before the deploy finished/);
  });
});
