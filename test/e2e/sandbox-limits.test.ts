/** Process sizes as Heroku's dyno sizes: WEB_CONCURRENCY and limits from ps:resize, R14 and R15 from the cgroup. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findLayout } from '../../src/sandbox/cgroups.js';
import { copyFixture, TestPlatform, waitFor, sandboxSkip } from './harness.js';

const skip = sandboxSkip() || (findLayout() ? false : 'no writable cgroup controller here');
const platform = new TestPlatform();

before(async () => {
  if (skip) return;
  await platform.start();
  await platform.ok('apps:create', 'sized');
  await platform.ok('deploy', copyFixture('sized'), '-a', 'sized');
});
after(() => platform.dispose());

test('ps:resize gives the processes of a type their size: memory, WEB_CONCURRENCY, and the open-files limit', { skip }, async () => {
  const small = JSON.parse((await platform.get('sized')).body) as Record<string, string>;
  assert.deepEqual(small, { webConcurrency: '1', memoryAvailable: '512', openFiles: '10000' });
  await platform.ok('ps:resize', 'web=2x', '-a', 'sized');
  assert.deepEqual(await platform.json('ps:resize', '-a', 'sized'), { web: '2x', hog: '1x' });
  const large = JSON.parse((await platform.get('sized')).body) as Record<string, string>;
  assert.deepEqual(large, { webConcurrency: '2', memoryAvailable: '1024', openFiles: '10000' });
  const refused = await platform.cli('ps:resize', 'web=huge', '-a', 'sized');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /unknown size "huge"/);
});

test('a process over its memory quota gets R14 in the log; past twice the quota it is killed with R15', { skip }, async () => {
  await platform.ok('ps:scale', 'hog=1', '-a', 'sized');
  const logs = () => platform.ok('logs', '-a', 'sized', '--ps', 'hog.1', '-n', '200').then((result) => result.stdout);
  await waitFor('R14 in the log', async () => /Error R14 \(Memory quota exceeded\)/.test(await logs()), 30_000, 500);
  await waitFor('R15 in the log', async () => /Error R15 \(Memory quota vastly exceeded\)/.test(await logs()), 30_000, 500);
  assert.doesNotMatch(await logs(), /still alive at 1200 MB/);
  await platform.ok('ps:scale', 'hog=0', '-a', 'sized');
});
