/** Bad input gets a clear error that says what to do, and breaks nothing that runs. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform } from './harness.js';

const platform = new TestPlatform();
before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'ok');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'ok');
});
after(() => platform.dispose());

async function fails(args: string[], pattern: RegExp): Promise<void> {
  const result = await platform.cli(...args);
  assert.notEqual(result.code, 0, `twelve ${args.join(' ')} should fail`);
  assert.match(result.stderr, pattern, `twelve ${args.join(' ')}: ${result.stderr}`);
}

test('refuses bad app names with the rule', async () => {
  for (const name of ['../x', 'UPPER', 'a/b', '-x', 'x'.repeat(31)]) await fails(['apps:create', '--', name], /not a valid app name/);
  await fails(['apps:create', 'ok'], /already exists/);
});

test('names the unknown app and how to list apps', async () => {
  await fails(['ps', '-a', 'nope'], /no app named nope[\s\S]*twelve apps/);
});

test('refuses config keys that are not variable names, and PORT', async () => {
  await fails(['config:set', '1BAD=x', '-a', 'ok'], /not a valid config key/);
  await fails(['config:set', 'PORT=80', '-a', 'ok'], /PORT is set by twelve/);
});

test('refuses a codebase with no stack and a malformed Procfile, naming the line', async () => {
  await fails(['deploy', copyFixture('no-stack'), '-a', 'ok'], /no Procfile, package\.json/);
  const dir = copyFixture('node-web');
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\nthis line is wrong\n');
  await fails(['deploy', dir, '-a', 'ok'], /line 2/);
  assert.equal((await platform.get('ok')).status, 200);
});

test('refuses to scale a type the Procfile lacks, or to a negative or absurd number', async () => {
  await fails(['ps:scale', 'clock=1', '-a', 'ok'], /no clock process type/);
  await fails(['ps:scale', 'web=-1', '-a', 'ok'], /web/);
  await fails(['ps:scale', 'web=100000', '-a', 'ok'], /0 to 100/);
});

function api(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: platform.apiPort, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

test('the API answers 401 without a token and 400 to malformed JSON, and keeps running', async () => {
  const noToken = await api('GET', '/v1/apps', {});
  assert.equal(noToken.status, 401);
  assert.equal(JSON.parse(noToken.body).error.code, 'UNAUTHORIZED');
  const { readFileSync } = await import('node:fs');
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  const malformed = await api('POST', '/v1/apps', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, '{"name": ');
  assert.equal(malformed.status, 400);
  assert.equal(JSON.parse(malformed.body).error.code, 'BAD_REQUEST');
  assert.equal((await api('GET', '/v1/health', {})).status, 200);
});

test('a malformed upgrade request without a token is refused and the API keeps running', async () => {
  const { connect } = await import('node:net');
  const answer = await new Promise<string>((done) => {
    const socket = connect(platform.apiPort, '127.0.0.1', () => {
      socket.write('GET //a:b HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: twelve-run\r\n\r\n');
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    socket.on('close', () => done(text));
    socket.on('error', () => done(text));
    socket.setTimeout(5000, () => socket.destroy());
  });
  assert.match(answer, /^HTTP\/1\.1 404/);
  assert.equal((await api('GET', '/v1/health', {})).status, 200);
  assert.equal((await platform.get('ok')).status, 200);
});
