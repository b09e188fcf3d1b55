import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentConfig, configKeyOf, kindOfUrl } from '../../src/flows/addon-actions.js';
import { findPostgresBin, postgresArgs, roleName } from '../../src/addons/postgres-server.js';
import { redisConfig, redisUrls, specFromUrls } from '../../src/addons/redis-instance.js';
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

test('gives a Redis addon Heroku\'s URLs, without user name or database number, and reads them back', () => {
  const spec = { name: 'redis-ab12cd', password: 'p/w', port: 15001, tlsPort: 15002 };
  const urls = redisUrls(spec);
  assert.deepEqual(urls, { url: 'redis://:p%2Fw@127.0.0.1:15001', tlsUrl: 'rediss://:p%2Fw@127.0.0.1:15002' });
  assert.deepEqual(specFromUrls('redis-ab12cd', urls.url, urls.tlsUrl), spec);
});

test('writes a Redis config whose default user has only the password\'s hash and no admin commands', () => {
  const lines = redisConfig({ name: 'r', password: 'secret', port: 15001, tlsPort: 15002 }, '/d/r', { certFile: '/d/r/server.crt', keyFile: '/d/r/server.key' });
  assert.ok(lines.includes('user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all -@admin +config|get'));
  assert.ok(lines.includes('tls-port 15002') && lines.includes('port 15001') && lines.includes('tls-auth-clients no'));
  assert.equal(lines.join('\n').includes('secret'), false);
});

test('an attachment sets NAME_TLS_URL beside NAME_URL when the server speaks TLS, and unsets both', () => {
  const secret = { url: 'redis://:p@h:1', tlsUrl: 'rediss://:p@h:2' };
  assert.deepEqual(attachmentConfig('REDIS', secret, true), { REDIS_URL: 'redis://:p@h:1', REDIS_TLS_URL: 'rediss://:p@h:2' });
  assert.deepEqual(attachmentConfig('CACHE', secret, false), { CACHE_URL: null, CACHE_TLS_URL: null });
  assert.deepEqual(attachmentConfig('DATABASE', { url: 'postgres://h/d' }, true), { DATABASE_URL: 'postgres://h/d' });
});

test('runs servers as the service user through setpriv only when twelve is root', () => {
  assert.deepEqual(asUser({ name: 'me', uid: 1000, gid: 1000, switches: false }, 'postgres', ['-D', 'x']), ['postgres', ['-D', 'x']]);
  assert.deepEqual(asUser({ name: 'postgres', uid: 101, gid: 104, switches: true }, 'postgres', ['-D', 'x']),
    ['setpriv', ['--reuid=101', '--regid=104', '--init-groups', '--', 'postgres', '-D', 'x']]);
});

test('names a postgres addon\'s role and database after it, out of PostgreSQL\'s reserved pg_ names', () => {
  assert.equal(roleName('postgres-ab12cd'), 'postgres_ab12cd');
  assert.equal(roleName('pg-main'), 'addon_pg_main');
});

test('starts PostgreSQL with TLS on beside plain connections, with twelve\'s certificate', () => {
  assert.deepEqual(postgresArgs('/d/data', 15432, '/d', { certFile: '/d/server.crt', keyFile: '/d/server.key' }), [
    '-D', '/d/data', '-p', '15432', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=/d',
    '-c', 'ssl=on', '-c', 'ssl_cert_file=/d/server.crt', '-c', 'ssl_key_file=/d/server.key',
  ]);
});
