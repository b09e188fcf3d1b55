import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandEnv } from '../../src/build/build-context.js';
import { pathsFor } from '../../src/paths.js';

test('build commands never see twelve\'s own settings, its API token and secret key above all', () => {
  const saved = { token: process.env.TWELVE_API_TOKEN, key: process.env.TWELVE_SECRET_KEY, nodeEnv: process.env.NODE_ENV };
  process.env.TWELVE_API_TOKEN = 'token-that-must-not-leak';
  process.env.TWELVE_SECRET_KEY = 'key-that-must-not-leak';
  process.env.NODE_ENV = 'production';
  try {
    const env = commandEnv({ app: 'a', buildDir: '/b', appDir: '/b/app', paths: pathsFor('/d'), onOutput: () => {}, path: ['runtime/node/bin'] }, { EXTRA: '1' });
    assert.equal(Object.keys(env).filter((key) => key.startsWith('TWELVE_')).length, 0);
    assert.equal(env.NODE_ENV, undefined);
    assert.equal(env.EXTRA, '1');
    assert.ok(env.PATH!.startsWith('/b/runtime/node/bin:'));
  } finally {
    for (const [name, value] of [['TWELVE_API_TOKEN', saved.token], ['TWELVE_SECRET_KEY', saved.key], ['NODE_ENV', saved.nodeEnv]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});
