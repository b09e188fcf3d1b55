import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import semver from 'semver';
import { buildPathEntries } from '../../src/build/build-app.js';
import { listNodeVersions } from '../../src/build/node-versions.js';
import { TwelveError } from '../../src/errors.js';
import { fixtureSource, runBuild, tempData } from './helpers.js';

describe('Node.js runtime from engines.node', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('installs the newest 20.x once, even for two builds at the same time, and puts it first on PATH', async () => {
    const expected = semver.maxSatisfying(await listNodeVersions(data.paths), '20.x')!;
    // Both builds find no runtime and download it; the temp dir + rename lets exactly one install land.
    const [a, b] = await Promise.all([
      runBuild(data.paths, 'engines-a', fixtureSource('node-engines'), 'e1'),
      runBuild(data.paths, 'engines-b', fixtureSource('node-engines'), 'e1'),
    ]);
    for (const { manifest, lines } of [a, b]) {
      assert.equal(manifest.runtimes.node, expected);
      assert.match(manifest.runtimes.npm ?? '', /^10\./, 'the npm that ships with Node 20');
      assert.deepEqual(manifest.path.slice(0, 2), ['app/.heroku/npm/bin', 'app/.heroku/node/bin']);
      assert.ok(lines.includes(`-----> Installing node ${expected}`), lines.join('\n'));
      assert.ok(lines.includes('       engines.node (package.json): 20.x'));
    }
    assert.equal(a.manifest.checksum, b.manifest.checksum);
    const installed = join(data.paths.nodeRuntimes, expected, 'bin', 'node');
    assert.ok(existsSync(installed));
    assert.deepEqual(readdirSync(data.paths.nodeRuntimes).filter((name) => name.startsWith('.')), [], 'no half-installed runtime is left');

    const buildDir = data.paths.build('engines-a', 'e1');
    const inBuild = join(buildDir, 'app', '.heroku', 'node', 'bin', 'node');
    assert.equal(statSync(inBuild).ino, statSync(installed).ino, 'the build hard-links the installed runtime');
    const PATH = [...buildPathEntries(buildDir, a.manifest), process.env.PATH].join(':');
    const env = { ...process.env, PATH };
    assert.equal(spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim(), `v${expected}`);
    const npm = spawnSync('npm', ['--version'], { env, encoding: 'utf8', cwd: join(buildDir, 'app') });
    assert.equal(npm.status, 0, npm.stderr);
    assert.equal(npm.stdout.trim(), a.manifest.runtimes.npm, 'npm is the one the build installed beside its node');
  });

  it('reuses an installed runtime without downloading it again', async () => {
    const { lines } = await runBuild(data.paths, 'engines-c', fixtureSource('node-engines'));
    assert.ok(!lines.some((line) => line.includes('Downloading')), lines.join('\n'));
  });

  it('fails RUNTIME_UNAVAILABLE for a range no release satisfies, removing the build dir', async () => {
    await assert.rejects(runBuild(data.paths, 'future', fixtureSource('node-bad-engines'), 'f1'), (error: unknown) => {
      assert.ok(error instanceof TwelveError);
      assert.equal(error.code, 'RUNTIME_UNAVAILABLE');
      assert.match(error.message, /^engines\.node ">=99" matches no released Node\.js version \(newest: \d+\.\d+\.\d+\)$/);
      return true;
    });
    assert.equal(existsSync(data.paths.build('future', 'f1')), false);
  });
});
