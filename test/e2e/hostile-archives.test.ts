/** Hostile deploy archives sent to a real platform: each is refused with its message, nothing of it stays, the app deployed before keeps serving. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { rawEntry, rawTar, type RawEntry } from '../build/raw-tar.js';
import { copyFixture, FIXTURES, TestPlatform } from './harness.js';

const MB = 1024 * 1024;
const platform = new TestPlatform({ TWELVE_MAX_SOURCE_MB: '2' });
before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'ok');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'ok');
});
after(() => platform.dispose());

interface DeployEvent { type: string; error?: { code: string; message: string } }

/** POSTs `body` as a deploy of app ok, as `twelve deploy` would, and returns the events the answer streamed. */
function deployRaw(body: Buffer): Promise<DeployEvent[]> {
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  return new Promise((done, fail) => {
    const req = request({
      host: '127.0.0.1', port: platform.apiPort, method: 'POST', path: '/v1/apps/ok/deploys',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => done(text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as DeployEvent)));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function refused(body: Buffer, code: string, pattern: RegExp): Promise<void> {
  const events = await deployRaw(body);
  const error = events.find((event) => event.type === 'error')?.error;
  assert.ok(error, `no error in ${JSON.stringify(events)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
}

function builds(): string[] {
  return readdirSync(join(platform.dataDir, 'apps', 'ok', 'builds'));
}

function chain(depth: number): RawEntry[] {
  const entries: RawEntry[] = [{ path: 's0', type: 'SymbolicLink', linkpath: '.' }];
  for (let i = 1; i <= depth; i++) entries.push({ path: `s${i}`, type: 'SymbolicLink', linkpath: `s${i - 1}/..` });
  return [...entries, { path: 'Procfile', type: 'SymbolicLink', linkpath: `s${depth}/etc/shadow` }];
}

test('refuses each hostile archive with its message, keeps none of it, and the app deployed before keeps serving', async () => {
  const before = builds();
  const releases = (await platform.json<unknown[]>('releases', '-a', 'ok')).length;

  await refused(rawTar(chain(15)), 'INVALID_SOURCE', /symbolic link "s1" -> "s0\/\.\." leads outside the app directory/);
  await refused(rawTar([{ path: 'Procfile', type: 'SymbolicLink', linkpath: '/etc/shadow' }]), 'INVALID_SOURCE', /is absolute/);
  await refused(rawTar([{ path: 'Procfile', body: 'web: x\n' }, { path: 'h', type: 'Link', linkpath: 'gone' }]), 'INVALID_SOURCE', /hard link "h" -> "gone" names no file/);
  await refused(rawTar([{ path: 'Procfile', body: 'web: x\n' }, { path: 'null', type: 'CharacterDevice' }]), 'INVALID_SOURCE', /"null" is a character device/);
  const member = gzipSync(Buffer.alloc(16 * MB), { level: constants.Z_BEST_COMPRESSION });
  const [header] = rawEntry({ path: 'bomb', size: 1024 * MB });
  await refused(Buffer.concat([gzipSync(header!), ...Array.from({ length: 64 }, () => member)]), 'SOURCE_TOO_LARGE', /more than 2 MB \(TWELVE_MAX_SOURCE_MB\)/);

  assert.deepEqual(builds(), before);
  assert.equal((await platform.json<unknown[]>('releases', '-a', 'ok')).length, releases);
  assert.equal((await platform.get('ok')).status, 200);
  const ps = await platform.ok('ps', '-a', 'ok');
  assert.doesNotMatch(ps.stdout, /root:/);
});

test('a setuid entry is deployed without its bit', async () => {
  const before = new Set(builds());
  const server = readFileSync(join(FIXTURES, 'node-web', 'server.js'));
  const events = await deployRaw(rawTar([
    { path: 'Procfile', body: 'web: node server.js\n' },
    { path: 'server.js', body: server },
    { path: 'suid', body: '#!/bin/sh\n', mode: 0o4755 },
  ]));
  assert.equal(events.at(-1)?.type, 'done', JSON.stringify(events));
  const [build] = builds().filter((id) => !before.has(id));
  assert.ok(build);
  assert.equal(statSync(join(platform.dataDir, 'apps', 'ok', 'builds', build, 'app', 'suid')).mode & 0o7777, 0o755);
  assert.equal((await platform.get('ok')).status, 200);
});
