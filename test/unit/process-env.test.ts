import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processEnv } from '../../src/run/process-env.js';
import { findSize, webConcurrency } from '../../src/run/process-size.js';

const base = { pathEntries: ['/app/.heroku/node/bin', '/app/node_modules/.bin'], home: '/app', app: 'hello', releaseVersion: 3, size: findSize('1x'), cpus: 2 };

test('gives a process its release config and the build PATH, never twelve\'s own environment', () => {
  process.env.TWELVE_MARKER = 'must-not-leak';
  try {
    const env = processEnv({ ...base, config: { GREETING: 'hi' }, stacks: ['node'] });
    assert.equal(env.GREETING, 'hi');
    assert.equal(env.HOME, '/app');
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.WEB_CONCURRENCY, '1');
    assert.equal(env.TWELVE_RELEASE_VERSION, 'v3');
    assert.equal(env.TWELVE_MARKER, undefined);
    assert.equal(env.PATH, '/app/.heroku/node/bin:/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  } finally {
    delete process.env.TWELVE_MARKER;
  }
});

test('sets Python\'s defaults as Heroku\'s buildpack does, each overridden by the app\'s config', () => {
  const env = processEnv({ ...base, config: { PYTHONHASHSEED: '0', WEB_CONCURRENCY: '7' }, stacks: ['python'] });
  assert.equal(env.PYTHONUNBUFFERED, 'true');
  assert.equal(env.PYTHONPATH, '/app');
  assert.equal(env.PYTHONHASHSEED, '0');
  assert.equal(env.WEB_CONCURRENCY, '7');
  assert.equal(env.NODE_ENV, undefined);
});

test('computes WEB_CONCURRENCY from the size\'s memory and the CPUs, as Heroku does', () => {
  assert.equal(webConcurrency(findSize('1x'), 2, ['python']), 2); // 512 MB / 256
  assert.equal(webConcurrency(findSize('2x'), 2, ['python']), 4);
  assert.equal(webConcurrency(findSize('performance-l'), 2, ['python']), 5); // 2 x 2 + 1
  assert.equal(webConcurrency(findSize('standard-2x'), 8, ['node']), 2); // 1024 MB / 512
  assert.throws(() => findSize('huge'), { code: 'INVALID_SIZE' });
});
