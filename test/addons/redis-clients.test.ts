/**
 * A redis addon's URLs in Heroku's form work with real clients of several generations, as apps written
 * for Heroku use them: ioredis 4 and 5, node `redis` 3 and 4, and a Bull 3 queue (which logs in with
 * AUTH and a password only), over REDIS_URL and, with TLS, REDIS_TLS_URL (rejectUnauthorized false,
 * as Heroku's docs say).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { RedisServers } from '../../src/addons/redis-server.js';
import type { AddonSecret } from '../../src/store/addons.js';

const require = createRequire(import.meta.url);
const TLS = { rejectUnauthorized: false };

interface PromiseClient { set(key: string, value: string): Promise<unknown>; get(key: string): Promise<string | null>; quit(): Promise<unknown> }
type IORedisClass = new (url: string, options?: object) => PromiseClient & { config(...args: string[]): Promise<unknown>; disconnect(): void; on(event: string, cb: () => void): void };

async function roundTrip(client: PromiseClient, key: string): Promise<void> {
  await client.set(key, 'v');
  assert.equal(await client.get(key), 'v', key);
  await client.quit();
}

/** node `redis` 3: callbacks, `rediss://` and a `tls` option. */
function redis3RoundTrip(url: string, key: string, options: object = {}): Promise<void> {
  const redis3 = require('redis3') as { createClient(url: string, options: object): { set(k: string, v: string, cb: (e: Error | null) => void): void; get(k: string, cb: (e: Error | null, v: string) => void): void; quit(): void; on(event: string, cb: (e: Error) => void): void } };
  return new Promise((done, fail) => {
    const client = redis3.createClient(url, options);
    client.on('error', fail);
    client.set(key, 'v', (error) => {
      if (error) return fail(error);
      client.get(key, (e, value) => {
        client.quit();
        if (e) return fail(e);
        try { assert.equal(value, 'v'); done(); } catch (mismatch) { fail(mismatch); }
      });
    });
  });
}

test('a redis addon speaks Heroku\'s URLs to ioredis 4 and 5, node redis 3 and 4 and Bull 3, in plain and TLS', { timeout: 120_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twelve-redis-'));
  let secrets: AddonSecret[] = [];
  const logger = pino({ level: 'silent' });
  let servers = new RedisServers(dataDir, join(dataDir, 'addons', 'redis'), () => secrets, logger);
  t.after(async () => {
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await servers.start();
  assert.match(servers.version, /^\d+\.\d+/);
  const secret = await servers.provision('redis-clients', 'pass/with:odd@chars');
  secrets = [secret];
  const { url, tlsUrl } = secret as { url: string; tlsUrl: string };
  assert.match(url, /^redis:\/\/:[^@]+@127\.0\.0\.1:\d+$/, 'no user name, no database number');
  assert.match(tlsUrl, /^rediss:\/\/:[^@]+@127\.0\.0\.1:\d+$/);
  assert.equal(statSync(join(dataDir, 'addons', 'redis', 'redis-clients', 'server.key')).mode & 0o777, 0o600);

  const IORedis4 = require('ioredis4') as IORedisClass;
  const IORedis5 = require('ioredis5') as IORedisClass;
  await roundTrip(new IORedis4(url), 'ioredis4');
  await roundTrip(new IORedis4(tlsUrl, { tls: TLS }), 'ioredis4-tls');
  await roundTrip(new IORedis5(url), 'ioredis5');
  await roundTrip(new IORedis5(tlsUrl, { tls: TLS }), 'ioredis5-tls');

  await redis3RoundTrip(url, 'redis3');
  await redis3RoundTrip(tlsUrl, 'redis3-tls', { tls: TLS });

  const redis4 = require('redis4') as { createClient(options: object): PromiseClient & { connect(): Promise<unknown>; on(e: string, cb: () => void): void } };
  for (const [key, options] of [['redis4', { url }], ['redis4-tls', { url: tlsUrl, socket: { tls: true, ...TLS } }]] as const) {
    const client = redis4.createClient(options);
    client.on('error', () => undefined);
    await client.connect();
    await roundTrip(client, key);
  }

  // Bull 3 opens three ioredis 4 connections from the URL and logs each in with only the password.
  const Queue = require('bull3') as new (name: string, url: string) => {
    add(data: object): Promise<unknown>; process(handler: (job: { data: { n: number } }) => Promise<number>): void;
    on(event: 'completed', cb: (job: unknown, result: number) => void): void; close(): Promise<void>;
  };
  const queue = new Queue('emails', url);
  const completed = new Promise<number>((done) => queue.on('completed', (_job, result) => done(result)));
  queue.process(async (job) => job.data.n * 2);
  await queue.add({ n: 21 });
  assert.equal(await completed, 42);
  await queue.close();

  // The password is needed, and the app cannot run admin commands (CONFIG SET, SHUTDOWN), as on Heroku.
  const anonymous = new IORedis5(url.replace(/:[^:@]*@/, '@'), { maxRetriesPerRequest: 0, retryStrategy: () => null });
  anonymous.on('error', () => undefined);
  await assert.rejects(anonymous.get('x'), /NOAUTH/);
  anonymous.disconnect();
  const app = new IORedis5(url);
  await assert.rejects(app.config('SET', 'maxmemory', '1'), /NOPERM/);
  assert.ok(Array.isArray(await app.config('GET', 'maxmemory-policy')));
  await app.quit();

  // A restart of twelve starts the addon's server again, with its data.
  await servers.stop();
  servers = new RedisServers(dataDir, join(dataDir, 'addons', 'redis'), () => secrets, logger);
  await servers.start();
  const again = new IORedis4(url);
  assert.equal(await again.get('ioredis4'), 'v');
  await again.quit();

  await servers.deprovision(secret);
  assert.equal(existsSync(join(dataDir, 'addons', 'redis', 'redis-clients')), false, 'deprovision deletes the data');
});
