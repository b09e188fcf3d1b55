import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPathEntries } from '../../src/build/build-app.js';
import { npmShippedWith } from '../../src/build/npm-runtime.js';
import type { BuildManifest } from '../../src/store/builds.js';
import { runBuild, sourceOf, tempData, writeApp } from './helpers.js';

/** Runs `args` with the build's PATH, as its processes get it. */
function inBuild(buildDir: string, manifest: BuildManifest, command: string, args: string[]): string {
  const PATH = [...buildPathEntries(buildDir, manifest), process.env.PATH].join(':');
  const result = spawnSync(command, args, { cwd: join(buildDir, 'app'), env: { ...process.env, PATH }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

describe('Node.js releases and their npm', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('knows which npm ships with each Node.js line', () => {
    assert.equal(npmShippedWith('22.3.0'), '^10');
    assert.equal(npmShippedWith('18.20.8'), '^10');
    assert.equal(npmShippedWith('18.2.0'), '^9');
    assert.equal(npmShippedWith('16.20.2'), '^8');
    assert.equal(npmShippedWith('14.21.3'), '^6');
    assert.equal(npmShippedWith('4.0.0'), '^2');
  });

  it('installs a Node 18 app\'s native module with Node 18 and its own npm, built for Node 18\'s ABI', async () => {
    const app = writeApp(data.dir, 'native18', {
      'package.json': { name: 'native18', version: '1.0.0', private: true, engines: { node: '18.x' }, dependencies: { addon: 'file:./addon' }, scripts: { start: 'node server.js' } },
      'addon/package.json': { name: 'addon', version: '1.0.0', main: 'build/Release/addon.node' },
      'addon/binding.gyp': { targets: [{ target_name: 'addon', sources: ['addon.cc'] }] },
      // The V8 API, not N-API: a module built against another Node's headers refuses to load.
      'addon/addon.cc': '#include <node.h>\nvoid Init(v8::Local<v8::Object> exports) {}\nNODE_MODULE(addon, Init)\n',
      'server.js': '',
    });
    const { manifest, lines } = await runBuild(data.paths, 'native', sourceOf(app), 'n18');
    const buildDir = data.paths.build('native', 'n18');
    assert.match(manifest.runtimes.node!, /^18\./);
    assert.match(manifest.runtimes.npm!, /^10\./, lines.join('\n'));
    assert.ok(!lines.some((line) => line.includes('EBADENGINE')), 'npm is not run by another Node');
    assert.equal(inBuild(buildDir, manifest, 'npm', ['--version']), manifest.runtimes.npm);
    assert.equal(inBuild(buildDir, manifest, 'node', ['-e', 'require("addon"); console.log(process.versions.modules)']), '108');
  });

  it('installs the npm engines.npm asks for into the build', async () => {
    const app = writeApp(data.dir, 'pinned-npm', {
      'package.json': { name: 'pinned-npm', version: '1.0.0', private: true, engines: { npm: '9.9.x' }, scripts: { start: 'node server.js' } },
      'server.js': '',
    });
    const { manifest, lines } = await runBuild(data.paths, 'pinned', sourceOf(app), 'p1');
    assert.match(manifest.runtimes.npm!, /^9\.9\.\d+$/);
    assert.ok(lines.includes('       engines.npm (package.json): 9.9.x'), lines.join('\n'));
    assert.equal(inBuild(data.paths.build('pinned', 'p1'), manifest, 'npm', ['--version']), manifest.runtimes.npm);
  });

  it('installs Node 4.0.0, whose package carries nodejs.org\'s tarball, with the npm that tarball bundles', async () => {
    const app = writeApp(data.dir, 'node4', {
      'package.json': { name: 'node4', version: '1.0.0', engines: { node: '4.0.0' }, scripts: { start: 'node server.js' } },
      'server.js': '',
    });
    const { manifest, lines } = await runBuild(data.paths, 'old', sourceOf(app), 'o1');
    assert.deepEqual(manifest.runtimes, { node: '4.0.0', npm: '2.14.2' }, lines.join('\n'));
    const buildDir = data.paths.build('old', 'o1');
    assert.equal(inBuild(buildDir, manifest, 'node', ['--version']), 'v4.0.0');
    assert.equal(inBuild(buildDir, manifest, 'npm', ['--version']), '2.14.2');
  });
});
