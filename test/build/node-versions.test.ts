import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listNodeVersions, resolveNodeVersion } from '../../src/build/node-versions.js';
import { TwelveError } from '../../src/errors.js';
import { tempData } from './helpers.js';

const VERSIONS = ['18.20.8', '20.11.0', '20.11.1', '20.12.0-rc.1', '22.1.0', '26.12.1'];

function unavailable(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof TwelveError && error.code === 'RUNTIME_UNAVAILABLE' && pattern.test(error.message);
}

describe('resolveNodeVersion', () => {
  it('picks the newest version the range allows, as Heroku does', () => {
    assert.equal(resolveNodeVersion('20.x', VERSIONS), '20.11.1');
    assert.equal(resolveNodeVersion('>=18 <22', VERSIONS), '20.11.1');
    assert.equal(resolveNodeVersion('^22', VERSIONS), '22.1.0');
    assert.equal(resolveNodeVersion('18.20.8', VERSIONS), '18.20.8');
  });

  it('never picks a prerelease for a plain range', () => {
    assert.equal(resolveNodeVersion('>20.11.1 <21', VERSIONS.concat('20.11.2')), '20.11.2');
    assert.throws(() => resolveNodeVersion('>20.11.1 <20.12.0', VERSIONS), unavailable(/matches no released/));
  });

  it('names the newest release when nothing satisfies the range', () => {
    assert.throws(() => resolveNodeVersion('>=99', VERSIONS),
      unavailable(/^engines\.node ">=99" matches no released Node\.js version \(newest: 26\.12\.1\)$/));
  });

  it('rejects what is not a version range', () => {
    assert.throws(() => resolveNodeVersion('latest please', VERSIONS), unavailable(/is not a version range/));
  });
});

describe('listNodeVersions', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('answers from the cached list while it is younger than ten minutes', async () => {
    mkdirSync(data.paths.nodeRuntimes, { recursive: true });
    const now = Date.now();
    writeFileSync(join(data.paths.nodeRuntimes, 'versions.json'), JSON.stringify({ fetchedAt: now - 60_000, versions: ['1.2.3'] }));
    assert.deepEqual(await listNodeVersions(data.paths, now), ['1.2.3']);
  });

  it('fetches the list from the npm registry once the cache is older', async () => {
    const now = Date.now();
    writeFileSync(join(data.paths.nodeRuntimes, 'versions.json'), JSON.stringify({ fetchedAt: now - 11 * 60_000, versions: ['1.2.3'] }));
    const versions = await listNodeVersions(data.paths, now);
    assert.ok(versions.includes('20.11.0'), 'the registry list includes 20.11.0');
    assert.deepEqual(await listNodeVersions(data.paths, now + 1000), versions);
  });
});
