import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPathEntries } from '../../src/build/build-app.js';
import type { BuildManifest } from '../../src/store/builds.js';
import { machineCa, runBuild, sourceOf, tempData, writeApp } from './helpers.js';

/** A devDependency the build needs and the release does not: a local package, so no registry is involved. */
const DEVTOOL = {
  'devtool/package.json': { name: 'devtool', version: '1.0.0', main: 'index.js' },
  'devtool/index.js': 'module.exports = "dev";\n',
};

const WRITE = (file: string, value: string): string => `node -e "require('fs').writeFileSync('${file}', ${value})"`;

function conventionsApp(into: string, name: string, extra: Record<string, unknown> = {}): string {
  return writeApp(into, name, {
    ...DEVTOOL,
    'package.json': {
      name, version: '1.0.0', private: true,
      scripts: {
        // Before the install: node_modules is not there yet.
        'heroku-prebuild': WRITE('prebuild.txt', "String(require('fs').existsSync('node_modules'))"),
        build: WRITE('build.txt', "'build ran'"),
        'heroku-postbuild': WRITE('postbuild.txt', "require('devtool')"),
        'heroku-cleanup': WRITE('cleanup.txt', "String(require('fs').existsSync('node_modules/devtool'))"),
        start: 'node server.js',
      },
      devDependencies: { devtool: 'file:./devtool' },
      ...extra,
    },
    'server.js': 'require("http").createServer((q, s) => s.end("ok")).listen(process.env.PORT);\n',
  });
}

describe('Node.js build conventions (Heroku\'s)', () => {
  const data = tempData();
  after(() => data.cleanup());
  const appFile = (app: string, build: string, file: string): string => join(data.paths.build(app, build), 'app', file);
  const read = (app: string, build: string, file: string): string => readFileSync(appFile(app, build, file), 'utf8');
  /** Runs a command as the build's processes would: its PATH, none of corepack's settings. */
  const inBuild = (app: string, build: string, [command, ...args]: string[]): string => {
    const buildDir = data.paths.build(app, build);
    const manifest = JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')) as BuildManifest;
    const PATH = [...buildPathEntries(buildDir, manifest), '/usr/bin:/bin'].join(':');
    const result = spawnSync(command!, args, { cwd: join(buildDir, 'app'), env: { PATH, HOME: join(buildDir, 'app') }, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  };

  it('runs heroku-prebuild before the install, heroku-postbuild instead of build, prunes devDependencies, then heroku-cleanup', async () => {
    const { lines } = await runBuild(data.paths, 'conv', sourceOf(conventionsApp(data.dir, 'conv')), 'n1');
    assert.equal(read('conv', 'n1', 'prebuild.txt'), 'false');
    assert.equal(read('conv', 'n1', 'postbuild.txt'), 'dev', 'heroku-postbuild saw the devDependency');
    assert.equal(existsSync(appFile('conv', 'n1', 'build.txt')), false, 'build is skipped when heroku-postbuild exists');
    assert.equal(existsSync(appFile('conv', 'n1', 'node_modules/devtool')), false, 'devDependencies are pruned');
    assert.equal(read('conv', 'n1', 'cleanup.txt'), 'false', 'heroku-cleanup runs after the pruning');
    const order = ['-----> Running heroku-prebuild', '-----> Installing dependencies (npm install)', '-----> Build', '-----> Pruning devDependencies', '-----> Running heroku-cleanup'];
    assert.deepEqual(lines.filter((line) => order.includes(line)), order, lines.join('\n'));
    assert.ok(lines.includes('       Running heroku-postbuild (npm run heroku-postbuild)'));
  });

  it('restores node_modules from the cache for an unchanged package.json without a lockfile, and still prunes', async () => {
    const app = conventionsApp(data.dir, 'conv-again');
    await runBuild(data.paths, 'nolock', sourceOf(app), 'c1');
    const { lines } = await runBuild(data.paths, 'nolock', sourceOf(app), 'c2');
    assert.ok(lines.includes('-----> Restoring cached dependencies'), lines.join('\n'));
    assert.equal(read('nolock', 'c2', 'postbuild.txt'), 'dev');
    assert.equal(existsSync(appFile('nolock', 'c2', 'node_modules/devtool')), false);
  });

  it('keeps devDependencies when the app\'s config says NPM_CONFIG_PRODUCTION=false', async () => {
    const { lines } = await runBuild(data.paths, 'keep', sourceOf(conventionsApp(data.dir, 'keep')), 'k1', { config: { NPM_CONFIG_PRODUCTION: 'false' } });
    assert.ok(lines.includes('       Skipping because NPM_CONFIG_PRODUCTION=false is set'), lines.join('\n'));
    assert.ok(existsSync(appFile('keep', 'k1', 'node_modules/devtool/index.js')));
  });

  it('builds a yarn 1 app with the yarn its packageManager pins, through corepack', async () => {
    const app = writeApp(data.dir, 'yarn-app', {
      ...DEVTOOL,
      'package.json': {
        name: 'yarn-app', version: '1.0.0', private: true, packageManager: 'yarn@1.22.22',
        scripts: { build: WRITE('built.txt', "require('devtool') + ' ' + process.env.npm_config_user_agent.split(' ')[0]"), start: 'node server.js' },
        devDependencies: { devtool: 'file:./devtool' },
      },
      'yarn.lock': '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n"devtool@file:./devtool":\n  version "1.0.0"\n',
    });
    // corepack downloads yarn over TLS, through this machine's proxy.
    const { lines } = await runBuild(data.paths, 'yarn', sourceOf(app), 'y1', { operatorEnv: machineCa() });
    assert.ok(lines.includes('-----> Using yarn@1.22.22 (yarn.lock) through corepack'), lines.join('\n'));
    assert.ok(lines.includes('-----> Installing dependencies (yarn install --production=false --ignore-engines --frozen-lockfile)'));
    assert.equal(read('yarn', 'y1', 'built.txt'), 'dev yarn/1.22.22');
    assert.equal(inBuild('yarn', 'y1', ['yarn', '--version']), '1.22.22', 'a process (web: yarn start) finds the same yarn');
    assert.equal(existsSync(appFile('yarn', 'y1', 'node_modules/devtool')), false, 'devDependencies are pruned');
  });

  it('builds a yarn 4 (berry) app: yarn install --immutable, then yarn workspaces focus --production', async () => {
    const app = writeApp(data.dir, 'berry', {
      ...DEVTOOL,
      'package.json': {
        name: 'berry', version: '1.0.0', private: true, packageManager: 'yarn@4.5.0',
        scripts: { build: WRITE('built.txt', "require('devtool') + ' ' + process.env.npm_config_user_agent.split(' ')[0]") },
        devDependencies: { devtool: 'file:./devtool' },
      },
      '.yarnrc.yml': 'nodeLinker: node-modules\nenableTelemetry: false\n',
      // Made by yarn 4.5.0 for this app: the devtool entry's hash is of DEVTOOL's files.
      'yarn.lock': [
        "# This file is generated by running \"yarn install\" inside your project.",
        "# Manual changes might be lost - proceed with caution!",
        "",
        "__metadata:",
        "  version: 8",
        "  cacheKey: 10c0",
        "",
        "\"berry@workspace:.\":",
        "  version: 0.0.0-use.local",
        "  resolution: \"berry@workspace:.\"",
        "  dependencies:",
        "    devtool: \"file:./devtool\"",
        "  languageName: unknown",
        "  linkType: soft",
        "",
        "\"devtool@file:./devtool::locator=berry%40workspace%3A.\":",
        "  version: 1.0.0",
        "  resolution: \"devtool@file:./devtool#./devtool::hash=55e93c&locator=berry%40workspace%3A.\"",
        "  checksum: 10c0/5e9afdf7ddb30dad15bc402759daf6d02c3db9ea859be5c05429ade70040f977beec0cd037688bc330cd6a3056083be87640ea3963a65ffce5cf8084e992688a",
        "  languageName: node",
        "  linkType: hard",
        "",
      ].join('\n'),
      Procfile: 'web: yarn node server.js\n',
    });
    const { lines } = await runBuild(data.paths, 'berry', sourceOf(app), 'b1', { operatorEnv: machineCa() });
    assert.ok(lines.includes('-----> Installing dependencies (yarn install --immutable)'), lines.join('\n'));
    assert.equal(read('berry', 'b1', 'built.txt'), 'dev yarn/4.5.0');
    assert.ok(lines.includes('-----> Pruning devDependencies'));
    assert.equal(existsSync(appFile('berry', 'b1', 'node_modules/devtool')), false, 'devDependencies are pruned');
    assert.equal(inBuild('berry', 'b1', ['yarn', '--version']), '4.5.0');
  });

  it('builds a pnpm app with the pnpm its packageManager pins, through corepack', async () => {
    const app = writeApp(data.dir, 'pnpm-app', {
      ...DEVTOOL,
      'package.json': {
        name: 'pnpm-app', version: '1.0.0', private: true, packageManager: 'pnpm@9.15.9',
        scripts: { build: WRITE('built.txt', "require('devtool') + ' ' + process.env.npm_config_user_agent.split(' ')[0]"), start: 'node server.js' },
        devDependencies: { devtool: 'file:./devtool' },
      },
      'pnpm-lock.yaml': [
        "lockfileVersion: '9.0'", '', 'settings:', '  autoInstallPeers: true', '  excludeLinksFromLockfile: false', '',
        'importers:', '', '  .:', '    devDependencies:', '      devtool:', '        specifier: file:./devtool', '        version: file:devtool', '',
        'packages:', '', '  devtool@file:devtool:', '    resolution: {directory: devtool, type: directory}', '',
        'snapshots:', '', '  devtool@file:devtool: {}', '',
      ].join('\n'),
    });
    const { lines } = await runBuild(data.paths, 'pnpm', sourceOf(app), 'p1', { operatorEnv: machineCa() });
    assert.ok(lines.includes('-----> Using pnpm@9.15.9 (pnpm-lock.yaml) through corepack'), lines.join('\n'));
    assert.equal(read('pnpm', 'p1', 'built.txt'), 'dev pnpm/9.15.9');
    assert.equal(inBuild('pnpm', 'p1', ['pnpm', '--version']), '9.15.9');
    assert.equal(existsSync(appFile('pnpm', 'p1', 'node_modules/devtool')), false, 'devDependencies are pruned');
  });
});
