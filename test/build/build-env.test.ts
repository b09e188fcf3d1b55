import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandEnv } from '../../src/build/build-context.js';
import { buildEnv } from '../../src/build/build-env.js';
import { pathsFor } from '../../src/paths.js';

const context = (env: Record<string, string>) => ({
  app: 'a', buildDir: '/b', appDir: '/b/app', paths: pathsFor('/d'), onOutput: () => {}, path: ['app/.heroku/node/bin', 'runtime/node/bin'],
  env, stepAppDir: '/app', stepCacheDir: '/cache', readOnly: [], sandboxFor: () => null,
});

test('a build step sees the app\'s config, the operator\'s build settings and its own variables, never twelve\'s environment', () => {
  const saved = process.env.TWELVE_MARKER;
  process.env.TWELVE_MARKER = 'must-not-leak';
  process.env.OPERATOR_SECRET = 'must-not-leak';
  try {
    const base = buildEnv({
      config: { BUILD_GREETING: 'hello-build', PATH: '/evil', NPM_CONFIG_LEGACY_PEER_DEPS: 'true' },
      operator: { PIP_FIND_LINKS: '/opt/wheels' }, home: '/app', cacheDir: '/cache', app: 'a', sourceSha: 'abc',
    });
    const env = commandEnv(context(base), { EXTRA: '1' });
    assert.equal(env.BUILD_GREETING, 'hello-build');
    assert.equal(env.NPM_CONFIG_LEGACY_PEER_DEPS, 'true');
    assert.equal(env.PIP_FIND_LINKS, '/opt/wheels');
    assert.equal(env.HOME, '/app');
    assert.equal(env.SOURCE_VERSION, 'abc');
    assert.equal(env.EXTRA, '1');
    assert.equal(env.TWELVE_MARKER, undefined);
    assert.equal(env.OPERATOR_SECRET, undefined);
    assert.equal(env.NODE_ENV, undefined);
    assert.equal(env.PATH, '/app/.heroku/node/bin:/b/runtime/node/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  } finally {
    if (saved === undefined) delete process.env.TWELVE_MARKER;
    else process.env.TWELVE_MARKER = saved;
    delete process.env.OPERATOR_SECRET;
  }
});
