import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertConfigFits, configDefaults, configProblems, readEnvSchema } from '../../src/config/env-schema.js';
import { formatProblem } from '../../src/config/formats.js';
import { readFormation } from '../../src/config/release-config.js';
import { TwelveError } from '../../src/errors.js';

const APP_JSON = {
  env: {
    SECRET_TOKEN: { description: 'signs sessions', generator: 'secret' },
    DATABASE_URL: { description: 'where orders live', format: 'url' },
    WEB_CONCURRENCY: { description: 'workers', value: '2', format: 'int' },
    MODE: { description: 'run mode', format: 'enum', values: ['live', 'test'], required: false },
    PLAIN_DEFAULT: 'x',
  },
  formation: { web: { quantity: 2 }, worker: { quantity: 1, size: 'basic' } },
};

test('reads Heroku\'s env forms with twelve\'s format extension', () => {
  const schema = readEnvSchema(APP_JSON);
  assert.deepEqual(schema.map((e) => [e.key, e.required, e.value, e.generator, e.format]), [
    ['SECRET_TOKEN', true, undefined, 'secret', undefined], ['DATABASE_URL', true, undefined, undefined, 'url'],
    ['WEB_CONCURRENCY', true, '2', undefined, 'int'], ['MODE', false, undefined, undefined, 'enum'], ['PLAIN_DEFAULT', true, 'x', undefined, undefined],
  ]);
  assert.deepEqual(readEnvSchema(null), []);
});

test('refuses malformed env entries with INVALID_APP_JSON naming the field', () => {
  for (const env of [[], { 'BAD-KEY': 'x' }, { A: 42 }, { A: { format: 'color' } }, { A: { format: 'enum' } }, { A: { generator: 'uuid' } }, { A: { value: 'x', format: 'int' } }]) {
    assert.throws(() => readEnvSchema({ env }), (error: unknown) => error instanceof TwelveError && error.code === 'INVALID_APP_JSON', JSON.stringify(env));
  }
});

test('fills defaults and generates 64-hex-digit secrets only for keys the config lacks', () => {
  const schema = readEnvSchema(APP_JSON);
  const added = configDefaults(schema, { WEB_CONCURRENCY: '4' });
  assert.deepEqual(Object.keys(added).sort(), ['PLAIN_DEFAULT', 'SECRET_TOKEN']);
  assert.match(added.SECRET_TOKEN!, /^[0-9a-f]{64}$/);
  assert.notEqual(configDefaults(schema, {}).SECRET_TOKEN, added.SECRET_TOKEN);
});

test('lists each missing key with its description, and never shows a bad value', () => {
  const schema = readEnvSchema(APP_JSON);
  assert.throws(() => assertConfigFits(schema, { SECRET_TOKEN: 's', WEB_CONCURRENCY: 'lots-of-secret', PLAIN_DEFAULT: 'x' }), (error: unknown) => {
    assert.ok(error instanceof TwelveError);
    assert.equal(error.code, 'CONFIG_MISSING');
    assert.match(error.message, /DATABASE_URL \(where orders live\): missing/);
    assert.match(error.message, /WEB_CONCURRENCY \(workers\): is not a whole number/);
    assert.doesNotMatch(error.message, /lots-of-secret/);
    return true;
  });
  assert.throws(() => assertConfigFits(schema, { SECRET_TOKEN: 's', DATABASE_URL: 'db', WEB_CONCURRENCY: '1', PLAIN_DEFAULT: 'x' }),
    (error: unknown) => error instanceof TwelveError && error.code === 'CONFIG_INVALID');
  assert.deepEqual(configProblems(schema, { SECRET_TOKEN: 's', DATABASE_URL: 'postgres://h/db', WEB_CONCURRENCY: '1', PLAIN_DEFAULT: 'x' }), []);
  assert.equal(configProblems(schema, { SECRET_TOKEN: 's', DATABASE_URL: 'postgres://h/db', WEB_CONCURRENCY: '1', PLAIN_DEFAULT: 'x', MODE: 'dev' })[0]!.problem, 'is not one of live, test');
});

test('checks each format', () => {
  const fits: Array<[Parameters<typeof formatProblem>[0], string, boolean]> = [
    ['url', 'https://x.example/a', true], ['url', 'redis://:p@127.0.0.1:6379/1', true], ['url', 'not a url', false], ['url', '/relative', false],
    ['port', '5432', true], ['port', '0', false], ['port', '65536', false], ['port', '80a', false],
    ['int', '-12', true], ['int', '1.5', false], ['bool', 'TRUE', true], ['bool', 'off', true], ['bool', 'maybe', false],
    ['email', 'ops@example.com', true], ['email', 'ops@example', false],
  ];
  for (const [format, value, ok] of fits) assert.equal(formatProblem(format, value) === null, ok, `${format} ${value}`);
  assert.equal(formatProblem('enum', 'a', ['a', 'b']), null);
});

test('reads app.json formation as counts and refuses bad quantities', () => {
  assert.deepEqual(readFormation(APP_JSON), { web: 2, worker: 1 });
  assert.deepEqual(readFormation({}), {});
  assert.throws(() => readFormation({ formation: { web: { quantity: -1 } } }), /quantity/);
});
