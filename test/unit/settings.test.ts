import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TwelveError } from '../../src/errors.js';
import { readSettings, SETTINGS_DOC } from '../../src/settings.js';

test('uses the documented defaults when no TWELVE_* variable is set', () => {
  const settings = readSettings({ HOME: '/home/u' });
  assert.equal(settings.apiPort, 5100);
  assert.equal(settings.routerPort, 5000);
  assert.equal(settings.apiBind, '127.0.0.1');
  assert.equal(settings.routerBind, '127.0.0.1');
  assert.equal(settings.apiToken, undefined);
  assert.equal(settings.stopTimeoutMs, 30_000);
  assert.deepEqual(settings.processPortRange, [20000, 29999]);
});

test('reads every TWELVE_* variable', () => {
  const settings = readSettings({
    TWELVE_DATA_DIR: '/tmp/x', TWELVE_API_PORT: '0', TWELVE_ROUTER_PORT: '8080', TWELVE_BIND: '0.0.0.0', TWELVE_API_ALLOW_INSECURE: '1',
    TWELVE_API_TOKEN: 'secret', TWELVE_PORT_RANGE: '3000-3010', TWELVE_STOP_TIMEOUT: '2.5', TWELVE_BOOT_TIMEOUT: '5',
  });
  assert.equal(settings.dataDir, '/tmp/x');
  assert.equal(settings.apiPort, 0);
  assert.equal(settings.routerPort, 8080);
  assert.equal(settings.apiBind, '0.0.0.0');
  assert.equal(settings.routerBind, '0.0.0.0');
  assert.equal(settings.apiToken, 'secret');
  assert.deepEqual(settings.processPortRange, [3000, 3010]);
  assert.equal(settings.stopTimeoutMs, 2500);
  assert.equal(settings.bootTimeoutMs, 5000);
});

test('refuses a setting that is not what it should be, naming the variable', () => {
  for (const env of [{ TWELVE_API_PORT: 'abc' }, { TWELVE_ROUTER_PORT: '70000' }, { TWELVE_PORT_RANGE: '9-1' }, { TWELVE_STOP_TIMEOUT: '-1' }]) {
    assert.throws(() => readSettings(env), (error: unknown) => error instanceof TwelveError && error.message.includes(Object.keys(env)[0]!));
  }
});

test('documents every setting in docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  for (const setting of SETTINGS_DOC) assert.ok(doc.includes(`\`${setting.name}\``), `${setting.name} is missing from docs/configuration.md`);
});

test('caps deploy archives at 500 MB and 100,000 entries unless told otherwise', () => {
  assert.equal(readSettings({}).maxSourceBytes, 500 * 1024 * 1024);
  assert.equal(readSettings({}).maxSourceEntries, 100_000);
  const settings = readSettings({ TWELVE_MAX_SOURCE_MB: '2', TWELVE_MAX_SOURCE_ENTRIES: '10' });
  assert.equal(settings.maxSourceBytes, 2 * 1024 * 1024);
  assert.equal(settings.maxSourceEntries, 10);
  assert.throws(() => readSettings({ TWELVE_MAX_SOURCE_MB: '0' }), /TWELVE_MAX_SOURCE_MB/);
});

test('binds the API and the router apart, TWELVE_BIND the default of both', () => {
  const apart = readSettings({ TWELVE_BIND: '127.0.0.2', TWELVE_ROUTER_BIND: '0.0.0.0' });
  assert.equal(apart.apiBind, '127.0.0.2');
  assert.equal(apart.routerBind, '0.0.0.0');
  assert.equal(readSettings({ TWELVE_API_BIND: '::1', TWELVE_BIND: '0.0.0.0', TWELVE_API_ALLOW_INSECURE: '0' }).apiBind, '::1');
});

test('refuses an API bound beyond loopback in plain HTTP unless told it is wanted', () => {
  for (const env of [{ TWELVE_BIND: '0.0.0.0' }, { TWELVE_API_BIND: '::' }, { TWELVE_API_BIND: '192.168.1.10' }, { TWELVE_API_BIND: 'example.com' }]) {
    assert.throws(() => readSettings(env), (error: unknown) => error instanceof TwelveError && error.code === 'INVALID_SETTING'
      && error.message.includes(Object.keys(env)[0]!) && error.message.includes('TWELVE_API_ALLOW_INSECURE=1'), JSON.stringify(env));
    assert.equal(readSettings({ ...env, TWELVE_API_ALLOW_INSECURE: '1' }).apiBind, Object.values(env)[0]);
  }
  for (const loopback of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.equal(readSettings({ TWELVE_API_BIND: loopback }).apiBind, loopback);
  assert.throws(() => readSettings({ TWELVE_API_ALLOW_INSECURE: 'yes' }), /TWELVE_API_ALLOW_INSECURE=yes must be 1 or 0/);
});
