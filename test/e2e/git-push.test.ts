/**
 * `git push` deploys, with the real git client over smart HTTP: the first push deploys and serves, a
 * second redeploys, a failing build refuses the push with its output and leaves the remote ref where
 * it was, a force push of an older commit from another branch deploys it, a push of the live commit is
 * a no-op, git:clone clones it back, and a wrong token is refused. The token never lands in .git/config.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, TestPlatform, type CliResult } from './harness.js';

/** Runs a command to completion; `onStderr` sees its stderr as it comes. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>, onStderr?: (sofar: string) => void): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr);
    });
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

const BUILD_OK = "console.log('the build step ran');\n";
const BUILD_FAILS = "console.log('the build fails on purpose'); process.exit(1);\n";

/** A build step that says it waits, then waits until the test's gate on `port` answers. */
function buildWaitingAt(port: number): string {
  return `console.log('waiting for the gate');\nrequire('node:http').get('http://127.0.0.1:${port}/', (res) => { res.resume(); console.log('gate opened'); });\n`;
}

/** A Node app whose build step runs `build`, and whose web answers `text`. */
function writeApp(dir: string, text: string, build = BUILD_OK): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pushed', version: '1.0.0', private: true, scripts: { build: 'node build.js' } }));
  writeFileSync(join(dir, 'build.js'), build);
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n');
  writeFileSync(join(dir, 'server.js'), `require('node:http').createServer((q, s) => s.end(${JSON.stringify(text)})).listen(Number(process.env.PORT), '127.0.0.1');\n`);
}

test('git push deploys: first and second push, a refused failing build, a force push, the live commit, a bad token', { timeout: 300_000 }, async (t) => {
  const platform = new TestPlatform();
  const repo = mkdtempSync(join(tmpdir(), 'twelve-push-'));
  const home = mkdtempSync(join(tmpdir(), 'twelve-push-home-'));
  t.after(async () => {
    await platform.dispose();
    rmSync(repo, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  await platform.start();
  await platform.ok('apps:create', 'pushed');

  const env = {
    ...platform.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  const git = async (...args: string[]) => {
    const result = await run('git', args, repo, env);
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited ${result.code}\n${result.stderr}`);
    return result.stdout.trim();
  };
  const push = (...args: string[]) => run('git', ['push', ...args], repo, env);
  const commit = async (text: string, build = BUILD_OK) => {
    writeApp(repo, text, build);
    await git('add', '-A');
    await git('commit', '-q', '-m', text);
    return git('rev-parse', 'HEAD');
  };
  const body = async () => (await platform.get('pushed')).body;
  const remoteMain = () => spawnSync('git', ['--git-dir', join(platform.dataDir, 'apps', 'pushed', 'repo.git'), 'rev-parse', 'main'], { encoding: 'utf8' }).stdout.trim();

  await git('init', '-q', '--initial-branch=main');
  const first = await commit('first');
  const added = await run(process.execPath, [CLI, 'git:remote', '-a', 'pushed'], repo, env);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(await git('remote', 'get-url', 'twelve'), `http://127.0.0.1:${platform.apiPort}/git/pushed.git`);
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  assert.equal(readFileSync(join(repo, '.git', 'config'), 'utf8').includes(token), false, 'the token stays out of .git/config');

  // The first push builds, releases and serves; the build's output comes back as remote: lines.
  const pushed = await push('twelve', 'main');
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.match(pushed.stderr, /remote: -----> Deploying [0-9a-f]{7} \(main\) to pushed/);
  assert.match(pushed.stderr, /remote: +the build step ran/);
  assert.match(pushed.stderr, /remote: -----> Released v1/);
  assert.equal(await body(), 'first');
  assert.equal(remoteMain(), first);
  const builds = await platform.json<Array<{ sourceSha: string | null }>>('builds', '-a', 'pushed');
  assert.ok(builds.some((build) => build.sourceSha === first), 'the build records the pushed commit');

  // A second push with a change redeploys; its 2 MB asset makes git send the pack chunked. Its build
  // waits until the test has seen the build's first line come back: the push streams, it does not
  // hold the output until the end.
  let gateOpen = false;
  const waiting: ServerResponse[] = [];
  const gate = createServer((_request, response) => (gateOpen ? response.end('go') : waiting.push(response)));
  const gatePort = await new Promise<number>((done) => gate.listen(0, '127.0.0.1', () => done((gate.address() as AddressInfo).port)));
  t.after(() => gate.close());
  writeFileSync(join(repo, 'asset.bin'), randomBytes(2 * 1024 * 1024));
  const second = await commit('second', buildWaitingAt(gatePort));
  const again = await run('git', ['push', 'twelve', 'main'], repo, env, (sofar) => {
    if (gateOpen || !/remote: +waiting for the gate/.test(sofar)) return;
    gateOpen = true;
    for (const response of waiting.splice(0)) response.end('go');
  });
  assert.equal(again.code, 0, again.stderr);
  assert.ok(gateOpen, 'the build\'s line came back while the push ran');
  assert.match(again.stderr, /remote: +gate opened/);
  assert.match(again.stderr, /remote: -----> Released v2/);
  assert.equal(await body(), 'second');
  assert.equal((await git('ls-remote', 'twelve', 'refs/heads/main')).split('\t')[0], second, 'fetching works too');

  // A failing build refuses the push, with the build's output; the ref stays and v2 keeps serving.
  await commit('broken', BUILD_FAILS);
  const refused = await push('twelve', 'main');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /remote: +the build fails on purpose/);
  assert.match(refused.stderr, /remote:  !     /);
  assert.match(refused.stderr, /\[remote rejected\] main -> main \(pre-receive hook declined\)/);
  assert.equal(remoteMain(), second, 'the remote ref did not move');
  assert.equal(await body(), 'second');

  // A force push of an older commit, from a branch of another name, deploys that commit.
  await git('branch', 'old', first);
  const forced = await push('--force', 'twelve', 'old:main');
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /remote: -----> Deploying [0-9a-f]{7} \(main\)/);
  assert.match(forced.stderr, /\+ [0-9a-f]+\.\.\.[0-9a-f]+ old -> main \(forced update\)/);
  assert.equal(await body(), 'first');
  assert.equal(remoteMain(), first);

  // Pushing the live commit under another branch name deploys nothing, and says so.
  const releasesBefore = (await platform.json<unknown[]>('releases', '-a', 'pushed')).length;
  const noop = await push('twelve', 'old:staging');
  assert.equal(noop.code, 0, noop.stderr);
  assert.match(noop.stderr, new RegExp(`remote: -----> ${first.slice(0, 7)} is already live \\(v3\\): nothing to deploy`));
  assert.equal((await platform.json<unknown[]>('releases', '-a', 'pushed')).length, releasesBefore);

  // The app's repository can be cloned back; an app that does not exist has no repository.
  const cloned = await run(process.execPath, [CLI, 'git:clone', '-a', 'pushed', 'clone'], home, env);
  assert.equal(cloned.code, 0, cloned.stderr);
  assert.equal((await run('git', ['rev-parse', 'twelve/main'], join(home, 'clone'), env)).stdout.trim(), first);
  const missing = await push(`http://127.0.0.1:${platform.apiPort}/git/nope.git`, 'main');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /not found/i);

  // A wrong token is refused before anything is received.
  await git('checkout', '-q', '-b', 'other', second);
  await commit('third');
  const bad = await run('git', ['push', 'twelve', 'other:main'], repo, { ...env, TWELVE_API_TOKEN: 'not-the-token' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Authentication failed/);
  assert.equal(remoteMain(), first);
  assert.equal(await body(), 'first');
});
