import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareParity, renderParity, type ParitySide } from '../../src/config/parity.js';

function side(app: string, overrides: Partial<ParitySide> = {}): ParitySide {
  return {
    app, release: 3, stack: 'node', runtimes: { node: '20.11.0' }, sourceSha: 'abc123', processTypes: ['web', 'worker'],
    formation: { web: 1, worker: 1 }, addons: { DATABASE: { kind: 'postgres', provider: 'twelve', version: '15.8' } },
    configKeys: ['DATABASE_URL', 'SECRET'], ...overrides,
  };
}

test('apps that differ only in scale are at parity', () => {
  const parity = compareParity(side('shop-staging'), side('shop', { formation: { web: 4, worker: 2 }, release: 9 }));
  assert.deepEqual(parity.differences, []);
  assert.match(renderParity(parity), /at parity/);
});

test('names every difference: runtime, commit, process types, addon kind and version, config keys', () => {
  const parity = compareParity(side('shop-staging', { configKeys: ['DATABASE_URL', 'SECRET', 'DEBUG'] }), side('shop', {
    runtimes: { node: '20.12.0' }, sourceSha: 'def456', processTypes: ['web'],
    addons: { DATABASE: { kind: 'postgres', provider: 'external', version: null }, REDIS: { kind: 'redis', provider: 'twelve', version: '7.0.15' } },
  }));
  assert.deepEqual(parity.differences, [
    'runtime node: 20.11.0 vs 20.12.0', 'source commit: abc123 vs def456', 'process types only in shop-staging: worker',
    'addon DATABASE: postgres 15.8 vs postgres (external)', 'addon REDIS: (none) vs redis 7.0.15', 'config keys only in shop-staging: DEBUG',
  ]);
  assert.deepEqual(parity.keysOnlyInA, ['DEBUG']);
  assert.match(renderParity(parity), /6 difference\(s\)/);
});
