import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TwelveError } from '../../src/errors.js';
import { copyFixture, fixtureSource, runBuild, sourceOf, tempData } from './helpers.js';

describe('Node.js dependencies', () => {
  const data = tempData();
  after(() => data.cleanup());
  const installed = (app: string, build: string, file: string): boolean => existsSync(join(data.paths.build(app, build), 'app', 'node_modules', file));

  it('installs locked registry dependencies with npm ci and defaults to web: npm start', async () => {
    const { manifest, lines } = await runBuild(data.paths, 'deps', fixtureSource('node-deps'), 'd1');
    assert.ok(lines.includes('-----> Installing dependencies (npm ci)'), lines.join('\n'));
    assert.ok(installed('deps', 'd1', 'ms/package.json'));
    assert.deepEqual(manifest.processTypes, { web: 'npm start' });
    assert.ok(lines.includes('       Default types -> web'));
  });

  it('skips the install on a redeploy with the same lockfile, restoring node_modules from the cache', async () => {
    const first = await runBuild(data.paths, 'cached', fixtureSource('node-deps'), 'c1');
    const second = await runBuild(data.paths, 'cached', fixtureSource('node-deps'), 'c2');
    assert.ok(first.lines.includes('-----> Installing dependencies (npm ci)'));
    assert.ok(second.lines.includes('-----> Restoring cached dependencies'), second.lines.join('\n'));
    assert.ok(!second.lines.some((line) => line.startsWith('-----> Installing dependencies')), 'npm ci did not run');
    assert.ok(installed('cached', 'c2', 'ms/package.json'));
    assert.equal(second.manifest.checksum, first.manifest.checksum);
  });

  it('installs again when the install script policy changes, since the cache key includes it', async () => {
    const app = copyFixture('node-deps', data.dir);
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ ...pkg, allowScripts: {} }, null, 2));
    const { lines } = await runBuild(data.paths, 'cached', sourceOf(app), 'c3');
    assert.ok(lines.includes('-----> Installing dependencies (npm ci)'), lines.join('\n'));
  });

  it('runs a dependency\'s install script when the app has no allowScripts policy, as Heroku does', async () => {
    const { lines } = await runBuild(data.paths, 'scripts', fixtureSource('node-install-script'), 's1');
    assert.ok(installed('scripts', 's1', 'dep-with-install-script/postinstall-ran.txt'), lines.join('\n'));
    assert.ok(lines.includes('       Dependency install scripts: all run, as on Heroku (add "allowScripts" to package.json to choose which)'));
    assert.ok(!lines.some((line) => /install-scripts/.test(line)), 'npm printed no warning about unreviewed scripts');
    const again = await runBuild(data.paths, 'scripts', fixtureSource('node-install-script'), 's2');
    assert.ok(again.lines.includes('-----> Restoring cached dependencies'));
    assert.ok(installed('scripts', 's2', 'dep-with-install-script/postinstall-ran.txt'), 'the cached install keeps what the script wrote');
  });

  it('honors the app\'s own allowScripts policy instead of running every script', async () => {
    // A strict policy that approves nothing: npm must refuse the install, which it would not if twelve overrode the policy.
    const app = copyFixture('node-install-script', data.dir);
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ ...pkg, allowScripts: {} }, null, 2));
    writeFileSync(join(app, '.npmrc'), 'strict-allow-scripts=true\n');
    let lines: string[] = [];
    await assert.rejects(runBuild(data.paths, 'policy', sourceOf(app), 'p1'), (error: unknown) => {
      assert.ok(error instanceof TwelveError);
      assert.equal(error.code, 'BUILD_FAILED');
      assert.deepEqual(error.details, { step: 'npm ci', exitCode: 1 });
      lines = (error as unknown as { lines: string[] }).lines;
      return true;
    });
    assert.ok(lines.includes('       Dependency install scripts: following "allowScripts" in package.json'), lines.join('\n'));
    assert.ok(lines.some((line) => /ESTRICTALLOWSCRIPTS|not covered by allowScripts/.test(line)), 'npm\'s own refusal is in the output');
    assert.equal(existsSync(data.paths.build('policy', 'p1')), false);
  });
});
