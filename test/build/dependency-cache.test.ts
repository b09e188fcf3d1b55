import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cacheKey, hasCached, restoreCached, saveToCache } from '../../src/build/dependency-cache.js';
import { tempData } from './helpers.js';

describe('dependency cache', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('derives a key from every part, in order', () => {
    assert.equal(cacheKey(['a', 1, { x: 1 }]), cacheKey(['a', 1, { x: 1 }]));
    assert.notEqual(cacheKey(['a', 1]), cacheKey(['a', 2]));
    assert.notEqual(cacheKey(['a', 'b']), cacheKey(['b', 'a']));
  });

  it('restores a saved directory as a copy that later writes do not reach', async () => {
    const modules = join(data.dir, 'node_modules');
    mkdirSync(join(modules, 'pkg'), { recursive: true });
    writeFileSync(join(modules, 'pkg', 'index.js'), 'v1');
    await saveToCache(data.paths, 'app', 'node', 'k1', modules);
    assert.equal(hasCached(data.paths, 'app', 'node', 'k1'), true);
    const restored = join(data.dir, 'restored');
    await restoreCached(data.paths, 'app', 'node', 'k1', restored);
    writeFileSync(join(restored, 'pkg', 'index.js'), 'changed by a build');
    const again = join(data.dir, 'again');
    await restoreCached(data.paths, 'app', 'node', 'k1', again);
    assert.equal(readFileSync(join(again, 'pkg', 'index.js'), 'utf8'), 'v1');
  });

  it('keeps only the three most recently used keys', async () => {
    const modules = join(data.dir, 'node_modules');
    for (const key of ['k2', 'k3', 'k4']) await saveToCache(data.paths, 'app', 'node', key, modules);
    assert.deepEqual(readdirSync(join(data.paths.buildCache('app'), 'node')).sort(), ['k2', 'k3', 'k4']);
    assert.equal(hasCached(data.paths, 'app', 'node', 'k1'), false);
  });
});
