import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configKeyOf, kindOfUrl } from '../../src/addons/addon-actions.js';
import { findPostgresBin } from '../../src/addons/postgres-server.js';
import { freeDatabaseNumber } from '../../src/addons/redis-server.js';
import { asUser } from '../../src/addons/service-user.js';
import { TwelveError } from '../../src/errors.js';

test('says which Debian package to install when PostgreSQL is missing', () => {
  assert.throws(() => findPostgresBin('/nonexistent'), (error: unknown) =>
    error instanceof TwelveError && error.code === 'ADDON_UNAVAILABLE' && /apt-get install -y postgresql/.test(error.message));
});

test('names the kind of an external service by its URL scheme', () => {
  assert.equal(kindOfUrl('postgresql://u:p@db.example:5432/x'), 'postgres');
  assert.equal(kindOfUrl('postgres://h/x'), 'postgres');
  assert.equal(kindOfUrl('rediss://h:6380'), 'redis');
  assert.equal(kindOfUrl('amqp://h'), 'amqp');
  for (const bad of ['nope', 'postgres:///nohost']) {
    assert.throws(() => kindOfUrl(bad), (error: unknown) => error instanceof TwelveError && error.code === 'INVALID_ADDON_URL');
  }
  assert.equal(configKeyOf('DATABASE'), 'DATABASE_URL');
});

test('gives each Redis addon the lowest free database number, keeping 0 for twelve', () => {
  assert.equal(freeDatabaseNumber([]), 1);
  assert.equal(freeDatabaseNumber([{ url: '', database: '1' }, { url: '', database: '3' }]), 2);
});

test('runs servers as the service user through setpriv only when twelve is root', () => {
  assert.deepEqual(asUser({ name: 'me', uid: 1000, gid: 1000, switches: false }, 'postgres', ['-D', 'x']), ['postgres', ['-D', 'x']]);
  assert.deepEqual(asUser({ name: 'postgres', uid: 101, gid: 104, switches: true }, 'postgres', ['-D', 'x']),
    ['setpriv', ['--reuid=101', '--regid=104', '--init-groups', '--', 'postgres', '-D', 'x']]);
});
