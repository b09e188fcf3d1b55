import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processEnv } from '../../src/run/process-env.js';

test('gives a process its release config and the build PATH, never twelve\'s own environment', () => {
  const env = processEnv({
    config: { GREETING: 'hi' }, pathEntries: ['/b/runtime/node/bin', '/b/app/node_modules/.bin'], home: '/b/app', app: 'hello', releaseVersion: 3,
    parentEnv: { TWELVE_API_TOKEN: 'secret', LANG: 'C.UTF-8', PATH: '/home/me/bin:/usr/bin', AWS_SECRET: 'x' },
  });
  assert.equal(env.GREETING, 'hi');
  assert.equal(env.LANG, 'C.UTF-8');
  assert.equal(env.HOME, '/b/app');
  assert.equal(env.TWELVE_RELEASE_VERSION, 'v3');
  assert.equal(env.TWELVE_API_TOKEN, undefined);
  assert.equal(env.AWS_SECRET, undefined);
  assert.ok(env.PATH!.startsWith('/b/runtime/node/bin:/b/app/node_modules/.bin:'));
  assert.ok(!env.PATH!.includes('/home/me/bin'));
});
