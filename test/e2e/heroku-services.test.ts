/**
 * An app written for Heroku's Postgres and Redis runs on twelve's addons unchanged: node-postgres with
 * `ssl: { rejectUnauthorized: false }`, a Bull 3 worker on REDIS_URL (ioredis 4 logs in with a password
 * only) and ioredis over REDIS_TLS_URL. With twelve's earlier Redis URL (an ACL user and a database
 * number) the Bull 3 worker went live, then crashed with NOAUTH.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFixture, TestPlatform, waitFor } from './harness.js';

test('an app written for Heroku Postgres and Heroku Redis (pg over TLS, a Bull 3 worker, ioredis over rediss://) runs unchanged', { timeout: 300_000 }, async (t) => {
  const platform = new TestPlatform();
  t.after(() => platform.dispose());
  await platform.start();
  const dir = copyFixture('node-heroku-services');
  await platform.ok('apps:create', 'herokuish');
  await platform.ok('addons:create', 'postgres', '-a', 'herokuish');
  await platform.ok('addons:create', 'redis', '-a', 'herokuish');
  const config = await platform.json<Record<string, string>>('config', '-a', 'herokuish');
  assert.match(config.REDIS_URL!, /^redis:\/\/:[^@]+@127\.0\.0\.1:\d+$/);
  assert.match(config.REDIS_TLS_URL!, /^rediss:\/\/:[^@]+@127\.0\.0\.1:\d+$/);

  await platform.ok('deploy', dir, '-a', 'herokuish');
  await platform.ok('ps:scale', 'worker=1', '-a', 'herokuish');
  const body = async (path: string) => {
    const answer = await platform.get('herokuish', path);
    assert.equal(answer.status, 200, `${path}: ${answer.body}`);
    return answer.body;
  };
  assert.equal(await body('/pg'), 'ssl true', 'node-postgres connects over TLS');
  assert.equal(await body('/redis-tls'), 'PONG', 'ioredis connects with rediss://');
  assert.equal(await waitFor('the Bull 3 worker to run a job', async () => (await platform.get('herokuish', '/job?n=21')).body === '42' || undefined, 60_000, 500), true);
  const processes = await platform.json<Array<{ name: string; state: string; restarts: number }>>('ps', '-a', 'herokuish');
  const worker = processes.find((p) => p.name === 'worker.1');
  assert.deepEqual([worker?.state, worker?.restarts], ['up', 0], 'the worker stays up');
});
