import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAppName, assertConfigKey, assertConfigValue } from '../../src/config/rules.js';
import { TwelveError } from '../../src/errors.js';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof TwelveError, `expected a TwelveError, got ${String(error)}`);
    return error.code;
  }
}

test('accepts app names made of lowercase letters, digits and dashes', () => {
  for (const name of ['hello', 'shop-staging', 'a', 'a1', 'x'.repeat(30)]) assert.equal(codeOf(() => assertAppName(name)), undefined, name);
});

test('refuses app names that could escape a directory or break a host name', () => {
  for (const name of ['', 'Hello', '../etc', 'a/b', '..', 'a.b', '-a', 'a-', '1abc', 'a--b', 'x'.repeat(31), 'hé', ' a']) {
    assert.equal(codeOf(() => assertAppName(name)), 'INVALID_APP_NAME', JSON.stringify(name));
  }
  assert.equal(codeOf(() => assertAppName(42)), 'INVALID_APP_NAME');
  assert.equal(codeOf(() => assertAppName(undefined)), 'INVALID_APP_NAME');
});

test('accepts config keys that are environment variable names', () => {
  for (const key of ['GREETING', 'DATABASE_URL', '_X', 'a1']) assert.equal(codeOf(() => assertConfigKey(key)), undefined, key);
});

test('refuses config keys that are not environment variable names, and the ones twelve sets', () => {
  for (const key of ['', '1ABC', 'A-B', 'A B', 'A=B', 'É']) assert.equal(codeOf(() => assertConfigKey(key)), 'INVALID_CONFIG_KEY', key);
  assert.equal(codeOf(() => assertConfigKey('PORT')), 'RESERVED_CONFIG_KEY');
  assert.equal(codeOf(() => assertConfigKey('DYNO')), 'RESERVED_CONFIG_KEY');
});

test('refuses config values that are not strings or hold a NUL byte', () => {
  assert.equal(codeOf(() => assertConfigValue('A', 'fine value with = and spaces')), undefined);
  assert.equal(codeOf(() => assertConfigValue('A', 3)), 'BAD_REQUEST');
  assert.equal(codeOf(() => assertConfigValue('A', 'a\0b')), 'BAD_REQUEST');
});
