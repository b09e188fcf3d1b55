import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHealthcheck } from '../../src/build/healthcheck.js';
import { normalizeDomain } from '../../src/config/domain-rules.js';
import { TwelveError } from '../../src/errors.js';
import { execIfSimple } from '../../src/run/process-spec.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TwelveError ? error.code : String(error);
  }
}

test('execs a simple Procfile command so the app is the process twelve started', () => {
  assert.equal(execIfSimple('node server.js'), 'exec node server.js');
  assert.equal(execIfSimple('python3 -m http.server $PORT'), 'exec python3 -m http.server $PORT');
  assert.equal(execIfSimple('node server.js > out.log 2>&1'), 'exec node server.js > out.log 2>&1');
});

test('leaves compound commands, assignments and keywords to the shell as written', () => {
  for (const command of ['npm run migrate && node server.js', 'a; b', 'a | b', 'a &', 'a&', 'a &>x', '(cd x && y)', 'echo `date`', 'echo $(date)',
    'FOO=1 node x.js', 'if true; then x; fi', 'exec node server.js', 'while true; do sleep 1; done', 'a\nb', '{ a; }']) {
    assert.equal(execIfSimple(command), command, command);
  }
});

test('reads app.json healthcheck with defaults, and refuses a malformed one', () => {
  assert.equal(parseHealthcheck(null), undefined);
  assert.equal(parseHealthcheck({ name: 'x' }), undefined);
  assert.deepEqual(parseHealthcheck({ healthcheck: { path: '/up' } }), { path: '/up', timeoutMs: 5000, attempts: 3, intervalMs: 1000 });
  assert.deepEqual(parseHealthcheck({ healthcheck: { path: '/health?deep=1', timeout: 2, attempts: 10, interval: 0.5 } }),
    { path: '/health?deep=1', timeoutMs: 2000, attempts: 10, intervalMs: 500 });
  for (const healthcheck of ['/up', { path: 'up' }, { path: '/a b' }, { path: '/up', timeout: 0 }, { path: '/up', timeout: 'x' },
    { path: '/up', attempts: 1.5 }, { path: '/up', attempts: 0 }, { path: '/up', interval: 100 }]) {
    assert.equal(codeOf(() => parseHealthcheck({ healthcheck })), 'INVALID_APP_JSON', JSON.stringify(healthcheck));
  }
});

test('takes host names as extra domains, lowercased, and refuses NAME.localhost and non-hosts', () => {
  assert.equal(normalizeDomain('WWW.Example.com.'), 'www.example.com');
  assert.equal(normalizeDomain('api.shop.localhost'), 'api.shop.localhost');
  for (const bad of ['', 'localhost', 'shop.localhost', 'a..b', '-a.com', 'a_b.com', 'a b.com', 'x'.repeat(64) + '.com', 42]) {
    assert.equal(codeOf(() => normalizeDomain(bad)), 'INVALID_DOMAIN', String(bad));
  }
});
