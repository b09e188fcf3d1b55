import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { buildApp, buildPathEntries } from '../../src/build/build-app.js';
import { TwelveError } from '../../src/errors.js';
import { detectSandboxSupport } from '../../src/sandbox/sandbox-support.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { copyFixture, fixtureSource, runBuild, sourceOf, tempData, unsandboxed } from './helpers.js';
import { freePort } from '../../src/free-port.js';

function failsWith(code: string, pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TwelveError, String(error));
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

async function pollText(url: string, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await (await fetch(url)).text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('buildApp', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('builds a Node.js app with the machine\'s Node, Procfile types and Heroku-style output', async () => {
    const { manifest, lines } = await runBuild(data.paths, 'web', fixtureSource('node-web'), 'v1');
    const buildDir = data.paths.build('web', 'v1');
    assert.equal(manifest.stack, 'node');
    assert.deepEqual(manifest.runtimes, { node: process.versions.node });
    assert.deepEqual(manifest.processTypes, { web: 'node server.js', worker: 'node worker.js' });
    assert.deepEqual(manifest.path, [dirname(process.execPath), 'app/node_modules/.bin']);
    assert.deepEqual(buildPathEntries(buildDir, manifest), [dirname(process.execPath), join(buildDir, 'app/node_modules/.bin')]);
    assert.match(manifest.checksum, /^[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')), manifest);
    assert.ok(existsSync(join(buildDir, 'app', 'server.js')));
    assert.equal(lines[0], '-----> Node.js app detected');
    assert.ok(lines.includes('-----> Installing dependencies (npm install)'), lines.join('\n'));
    assert.ok(lines.some((line) => /^ {7}\S/.test(line)), 'npm\'s own output is indented by 7 spaces');
    assert.ok(lines.includes('       Procfile declares types -> web, worker'));
    assert.equal(lines.at(-1), '-----> Build succeeded');
  });

  it('produces a build whose web process serves, run from app/ with the manifest PATH', async (t) => {
    const buildDir = data.paths.build('web', 'v1');
    const manifest = JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8'));
    const port = await freePort();
    const env = { ...process.env, PORT: String(port), DYNO: 'web.1', GREETING: 'hi', PATH: [...buildPathEntries(buildDir, manifest), process.env.PATH].join(':') };
    const child = spawn('sh', ['-c', `exec ${manifest.processTypes.web}`], { cwd: join(buildDir, 'app'), env, stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    assert.equal(await pollText(`http://127.0.0.1:${port}/`, 10_000), 'ok hi web.1');
  });

  it('builds a Procfile-only app with no runtime and nothing on PATH', async () => {
    const { manifest, lines } = await runBuild(data.paths, 'static', fixtureSource('procfile-only'));
    assert.equal(manifest.stack, 'procfile');
    assert.deepEqual(manifest.runtimes, {});
    assert.deepEqual(manifest.path, []);
    assert.deepEqual(manifest.processTypes, { web: 'python3 -m http.server --bind 127.0.0.1 $PORT' });
    assert.equal(lines[0], '-----> Procfile app detected');
  });

  it('gives the same source the same checksum, and a changed file a different one', async () => {
    const first = await runBuild(data.paths, 'static', fixtureSource('procfile-only'));
    const second = await runBuild(data.paths, 'static', fixtureSource('procfile-only'));
    assert.equal(first.manifest.checksum, second.manifest.checksum);
    const changed = copyFixture('procfile-only', data.dir);
    writeFileSync(join(changed, 'index.html'), 'changed');
    const third = await runBuild(data.paths, 'static', sourceOf(changed));
    assert.notEqual(third.manifest.checksum, first.manifest.checksum);
  });

  it('builds a Python app into a virtualenv inside the build, skipping pip for an empty requirements.txt', async () => {
    const { manifest, lines } = await runBuild(data.paths, 'py', fixtureSource('python-web'), 'p1');
    const buildDir = data.paths.build('py', 'p1');
    assert.equal(manifest.stack, 'python');
    assert.match(manifest.runtimes.python ?? '', /^3\.\d+\.\d+$/);
    assert.deepEqual(manifest.path, ['app/.venv/bin']);
    assert.deepEqual(manifest.processTypes, { web: 'python3 app.py' });
    assert.ok(lines.includes('-----> requirements.txt lists no packages: nothing to install'), lines.join('\n'));
    const PATH = [...buildPathEntries(buildDir, manifest), process.env.PATH].join(':');
    const prefix = spawnSync('python3', ['-c', 'import sys; print(sys.prefix)'], { env: { ...process.env, PATH }, encoding: 'utf8' });
    assert.equal(prefix.stdout.trim(), join(buildDir, 'app', '.venv'));
  });

  it('streams a command\'s output while the command still runs', async () => {
    const app = join(data.dir, 'streaming');
    mkdirSync(app);
    // The build script waits for a file the test writes only once it has seen the script's first line.
    const script = "console.log('waiting for go');const t=Date.now();const i=setInterval(()=>{if(require('fs').existsSync('go'))process.exit(0);if(Date.now()-t>20000)process.exit(3)},20)";
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'streaming', scripts: { build: `node -e "${script}"`, start: 'node -v' } }));
    let wrote = false;
    const buildDir = data.paths.build('streaming', 's1');
    const manifest = await buildApp({
      app: 'streaming', buildId: 's1', source: sourceOf(app), sourceSha: 'abc123', paths: data.paths, ...unsandboxed(data.paths),
      onOutput: (line) => {
        if (line !== '       waiting for go' || wrote) return;
        writeFileSync(join(buildDir, 'app', 'go'), '');
        wrote = true;
      },
    });
    assert.equal(wrote, true);
    assert.equal(manifest.sourceSha, 'abc123');
    assert.deepEqual(manifest.processTypes, { web: 'npm start' });
  });

  it('fails UNKNOWN_STACK for an app with nothing to build, removing the build dir', async () => {
    await assert.rejects(runBuild(data.paths, 'none', fixtureSource('no-stack'), 'n1'), failsWith('UNKNOWN_STACK'));
    assert.equal(existsSync(data.paths.build('none', 'n1')), false);
  });

  it('fails INVALID_PROCFILE on a malformed Procfile, naming the line', async () => {
    await assert.rejects(runBuild(data.paths, 'badproc', fixtureSource('bad-procfile'), 'x1'), (error: unknown) => {
      failsWith('INVALID_PROCFILE', /^Procfile line 2: /)(error);
      assert.deepEqual((error as TwelveError).details, { line: 2 });
      return true;
    });
    assert.equal(existsSync(data.paths.build('badproc', 'x1')), false);
  });

  it('fails INVALID_PROCFILE when the app declares no process types at all', async () => {
    const app = join(data.dir, 'no-types');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'no-types', version: '1.0.0' }));
    await assert.rejects(runBuild(data.paths, 'notypes', sourceOf(app), 't1'), failsWith('INVALID_PROCFILE', /declares no process types: add a Procfile/));
    assert.equal(existsSync(data.paths.build('notypes', 't1')), false);
  });

  it('fails BUILD_FAILED when the build script exits 1, after streaming its output, and removes the build dir', async () => {
    let lines: string[] = [];
    await assert.rejects(runBuild(data.paths, 'broken', fixtureSource('node-bad-build'), 'f1'), (error: unknown) => {
      failsWith('BUILD_FAILED', /^`npm run build` exited with code 1$/)(error);
      assert.deepEqual((error as TwelveError).details, { step: 'npm run build', exitCode: 1 });
      lines = (error as { lines: string[] }).lines;
      return true;
    });
    assert.ok(lines.includes('       the build step failed on purpose'), lines.join('\n'));
    assert.equal(lines.at(-1), ' !     Build failed: `npm run build` exited with code 1');
    assert.equal(existsSync(data.paths.build('broken', 'f1')), false);
    assert.equal(existsSync(data.paths.builds('broken')), true);
  });

  it('fails INVALID_SOURCE for a body that is not a gzipped tar, removing the build dir', async () => {
    await assert.rejects(runBuild(data.paths, 'garbage', Readable.from([Buffer.from('not a tar')]), 'g1'), failsWith('INVALID_SOURCE'));
    assert.equal(existsSync(data.paths.build('garbage', 'g1')), false);
  });

  it('refuses to reuse a build id', async () => {
    await runBuild(data.paths, 'static', fixtureSource('procfile-only'), 'same');
    await assert.rejects(runBuild(data.paths, 'static', fixtureSource('procfile-only'), 'same'), /EEXIST/);
    assert.ok(existsSync(join(data.paths.build('static', 'same'), 'manifest.json')), 'the first build is untouched');
  });
});

describe('buildApp in the sandbox', () => {
  const data = tempData();
  const sandbox = new Sandbox({ mode: 'on', mountPoint: data.paths.sandboxMount, readOnly: [], scratchMb: 64, dataDir: data.paths.dataDir });
  const app = { name: 'cacheowner', id: 9101 };
  after(() => {
    sandbox.removeUser(app);
    data.cleanup();
  });

  it('gives the cache back to the app\'s user after an unsandboxed build wrote into it', { skip: detectSandboxSupport().missing ?? false }, async () => {
    const build = (id: string, onSandbox: boolean) => runBuild(data.paths, app.name, fixtureSource('procfile-only'), id,
      { ...(onSandbox ? { sandbox } : {}), appId: app.id });
    await build('own1', true);
    const uid = sandbox.userOf(app)!.uid;
    const cache = data.paths.buildCache(app.name);
    assert.equal(statSync(cache).uid, uid);
    const appDir = join(data.paths.build(app.name, 'own1'), 'app');
    assert.deepEqual([statSync(appDir).uid, statSync(join(appDir, 'Procfile')).uid], [uid, uid], 'the build is the app user\'s too');
    await build('own2', false);
    writeFileSync(join(cache, 'written-unsandboxed'), 'as twelve');
    await build('own3', true);
    assert.equal(statSync(join(cache, 'written-unsandboxed')).uid, uid);
  });
});
