import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHost, RouteTable, type Backend } from '../../src/router/route-table.js';

const web = (n: number): Backend => ({ id: `p${n}`, process: `web.${n}`, port: 20000 + n });

test('normalizeHost lowercases and drops the port and trailing dot', () => {
  assert.equal(normalizeHost('Hello.LocalHost:5000'), 'hello.localhost');
  assert.equal(normalizeHost('hello.localhost.'), 'hello.localhost');
  assert.equal(normalizeHost('hello.localhost.:80'), 'hello.localhost');
  assert.equal(normalizeHost('[::1]:5000'), '[::1]');
  assert.equal(normalizeHost(undefined), '');
  assert.equal(normalizeHost('  Example.COM '), 'example.com');
});

test('an app answers to NAME.localhost whatever the case, port or trailing dot', () => {
  const table = new RouteTable();
  table.setApp('hello');
  for (const host of ['hello.localhost', 'HELLO.localhost:5000', 'hello.localhost.', 'Hello.Localhost.:80']) {
    assert.equal(table.lookup(host)?.app, 'hello', host);
  }
  assert.equal(table.lookup('other.localhost'), undefined);
  assert.equal(table.lookup(undefined), undefined);
  assert.equal(table.lookup(''), undefined);
});

test('extra domains route to the app and setApp replaces them', () => {
  const table = new RouteTable();
  table.setApp('shop', ['Shop.Example.com', 'www.shop.example.com.']);
  assert.equal(table.lookup('shop.example.com')?.app, 'shop');
  assert.equal(table.lookup('www.shop.example.com:8080')?.app, 'shop');
  table.setApp('shop', ['store.example.com']);
  assert.equal(table.lookup('shop.example.com'), undefined);
  assert.equal(table.lookup('store.example.com')?.app, 'shop');
  assert.equal(table.lookup('shop.localhost')?.app, 'shop');
});

test('setApp keeps the backends of an existing app', () => {
  const table = new RouteTable();
  table.addBackend('hello', web(1));
  table.setApp('hello', ['hello.example.com']);
  assert.deepEqual(table.lookup('hello.example.com')?.backends, [web(1)]);
});

test('a domain moves to the app that claims it last, but NAME.localhost stays with NAME', () => {
  const table = new RouteTable();
  table.setApp('a', ['shared.example.com']);
  table.setApp('b', ['shared.example.com', 'a.localhost']);
  assert.equal(table.lookup('shared.example.com')?.app, 'b');
  assert.equal(table.lookup('a.localhost')?.app, 'a');
  // Re-declaring a does not take back a domain it lost unless it names it again.
  table.setApp('a');
  assert.equal(table.lookup('shared.example.com')?.app, 'b');
});

test('removeApp forgets its hosts and backends', () => {
  const table = new RouteTable();
  table.setApp('hello', ['hello.example.com']);
  table.addBackend('hello', web(1));
  table.removeApp('hello');
  assert.equal(table.lookup('hello.localhost'), undefined);
  assert.equal(table.lookup('hello.example.com'), undefined);
  assert.equal(table.pick('hello'), undefined);
  table.removeApp('never-existed');
});

test('addBackend declares the app and replaces a backend with the same id', () => {
  const table = new RouteTable();
  table.addBackend('hello', web(1));
  table.addBackend('hello', { ...web(1), port: 30001 });
  assert.deepEqual(table.lookup('hello.localhost')?.backends, [{ ...web(1), port: 30001 }]);
});

test('pick goes round robin over the backends', () => {
  const table = new RouteTable();
  for (const n of [1, 2, 3]) table.addBackend('hello', web(n));
  const picked = Array.from({ length: 7 }, () => table.pick('hello')?.process);
  assert.deepEqual(picked, ['web.1', 'web.2', 'web.3', 'web.1', 'web.2', 'web.3', 'web.1']);
});

test('pick skips excluded backends and returns undefined when none is left', () => {
  const table = new RouteTable();
  for (const n of [1, 2]) table.addBackend('hello', web(n));
  assert.equal(table.pick('hello', new Set(['p1']))?.id, 'p2');
  assert.equal(table.pick('hello', new Set(['p2']))?.id, 'p1');
  assert.equal(table.pick('hello', new Set(['p1', 'p2'])), undefined);
  assert.equal(table.pick('nobody'), undefined);
  table.setApp('empty');
  assert.equal(table.pick('empty'), undefined);
});

test('a removed backend is never picked again and the rotation carries on', () => {
  const table = new RouteTable();
  for (const n of [1, 2, 3]) table.addBackend('hello', web(n));
  assert.equal(table.pick('hello')?.id, 'p1');
  table.removeBackend('hello', 'p1');
  const picked = Array.from({ length: 4 }, () => table.pick('hello')?.id);
  assert.deepEqual(picked, ['p2', 'p3', 'p2', 'p3']);
  table.removeBackend('hello', 'p3');
  table.removeBackend('hello', 'unknown');
  table.removeBackend('nobody', 'p2');
  assert.deepEqual([table.pick('hello')?.id, table.pick('hello')?.id], ['p2', 'p2']);
});

test('lookup returns the current backends of the app', () => {
  const table = new RouteTable();
  table.setApp('hello');
  assert.deepEqual(table.lookup('hello.localhost')?.backends, []);
  table.addBackend('hello', web(1));
  table.addBackend('hello', web(2));
  table.removeBackend('hello', 'p1');
  assert.deepEqual(table.lookup('hello.localhost')?.backends.map((b) => b.id), ['p2']);
});
