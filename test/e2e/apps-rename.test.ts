/** `apps:rename`: the app answers at its new host with its release, log, user and git remote, and the old name is gone. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, copyFixture, sandboxSkip, TestPlatform, waitFor } from './harness.js';

const platform = new TestPlatform();
// App users are the machine's: a name of its own keeps this test clear of users other runs left.
const NEW = `store-${randomBytes(3).toString('hex')}`;

before(async () => {
  await platform.start();
  await platform.ok('create', 'shop');
  await platform.ok('config:set', 'GREETING=renamed', '-a', 'shop');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'shop');
  await platform.ok('create', 'taken');
});
after(() => platform.dispose());

test('a renamed app serves at its new host from the same release, with its log and config, and its git remote follows', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'twelve-rename-repo-'));
  assert.equal(spawnSync('git', ['init', '-q', repo]).status, 0);
  assert.equal(spawnSync('git', ['-C', repo, 'remote', 'add', 'twelve', `http://127.0.0.1:${platform.apiPort}/git/shop.git`]).status, 0);
  const before = await platform.json<Array<{ version: number }>>('releases', '-a', 'shop', '--json');

  const renamed = spawnSync(process.execPath, [CLI, 'apps:rename', NEW, '-a', 'shop'], { env: platform.env, cwd: repo, encoding: 'utf8' });
  assert.equal(renamed.status, 0, renamed.stderr);
  assert.match(renamed.stdout, new RegExp(`http://${NEW}\\.localhost`));
  assert.match(renamed.stdout, new RegExp(`git remote twelve now points at .*/git/${NEW}\\.git`));
  assert.match(spawnSync('git', ['-C', repo, 'remote', 'get-url', 'twelve'], { encoding: 'utf8' }).stdout, new RegExp(`/git/${NEW}\\.git\n$`));

  const answer = await waitFor('the new host to answer', async () => {
    const response = await platform.get(NEW);
    return response.status === 200 ? response : undefined;
  });
  assert.match(answer.body, /renamed/);
  assert.equal((await platform.get('shop')).status, 404);
  // No new release: the same one runs, under the new name.
  assert.deepEqual((await platform.json<Array<{ version: number }>>('releases', '-a', NEW, '--json')).map((r) => r.version), before.map((r) => r.version));
  const logs = await platform.ok('logs', '-a', NEW, '-n', '500');
  assert.match(logs.stdout, /Build \S+ succeeded/);
  assert.match(logs.stdout, new RegExp(`Renamed from shop to ${NEW}`));
  assert.match((await platform.ok('builds:output', '-a', NEW)).stdout, /^-----> /m);

  const gone = await platform.cli('info', '-a', 'shop');
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /shop/);
});

test('a one-off of the renamed app runs as the app\'s user under its new name', { skip: sandboxSkip() }, async () => {
  const id = await platform.ok('run', '-a', NEW, '--', 'id', '-un');
  assert.equal(id.stdout.trim(), `tw-${NEW}`);
});

test('a rename to a name in use or not allowed is refused, and the app keeps serving', async () => {
  const taken = await platform.cli('apps:rename', 'taken', '-a', NEW);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /an app named taken already exists/);
  const invalid = await platform.cli('apps:rename', 'Not_A_Name', '-a', NEW);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /lowercase letters/);
  const answer = await platform.get(NEW);
  assert.equal(answer.status, 200, `${answer.body}\n${(await platform.cli('ps', '-a', NEW)).stdout}\n${(await platform.cli('logs', '-a', NEW, '-n', '40')).stdout}`);
});
