/** A newcomer's first minutes through the CLI: the port twelve was told, a busy port, no-op config changes, short forms, the app from git. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, copyFixture, TestPlatform } from './harness.js';

const platform = new TestPlatform();

before(async () => {
  await platform.start();
  await platform.ok('create', 'first');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'first');
});
after(() => platform.dispose());

function cli(env: Record<string, string>, cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { env, cwd, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

test('the CLI finds twelve on TWELVE_API_PORT when TWELVE_API_URL is unset', () => {
  const { TWELVE_API_URL: _url, ...env } = platform.env;
  const result = cli({ ...env, TWELVE_API_PORT: String(platform.apiPort) }, process.cwd(), 'apps', '--json');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /"first"/);
});

test('twelve alone shows the help and succeeds; an unknown command is refused in twelve\'s words', () => {
  const alone = cli(platform.env, process.cwd());
  assert.equal(alone.code, 0);
  assert.match(alone.stdout, /Commands:/);
  const unknown = cli(platform.env, process.cwd(), 'apps:craete');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /apps:craete is not a twelve command/);
  assert.match(unknown.stderr, /twelve apps:create/);
});

test('unsetting a key that was never set, or setting a key to its value, makes no release', async () => {
  const before = (await platform.json<Array<{ version: number }>>('releases', '-a', 'first')).length;
  assert.match((await platform.ok('config:unset', 'NOPE', '-a', 'first')).stdout, /nothing changed, so no new release/);
  await platform.ok('config:set', 'GREETING=hi', '-a', 'first');
  await platform.ok('config:set', 'GREETING=hi', '-a', 'first');
  assert.equal((await platform.json<Array<{ version: number }>>('releases', '-a', 'first')).length, before + 1);
});

test('Heroku\'s short forms work, ps:stop stops a type, and the app comes from the git remote', async () => {
  assert.match((await platform.ok('info', '-a', 'first')).stdout, /first/);
  assert.match((await platform.ok('open', '-a', 'first')).stdout, /^http:\/\/first\.localhost:\d+\/\n/);
  await platform.ok('scale', 'worker=1', '-a', 'first');
  await platform.ok('ps:stop', 'worker', '-a', 'first');
  assert.deepEqual((await platform.json<Array<{ type: string }>>('ps', '-a', 'first')).map((proc) => proc.type), ['web']);
  const repo = mkdtempSync(join(tmpdir(), 'twelve-remote-'));
  spawnSync('git', ['init', '-q', repo]);
  spawnSync('git', ['-C', repo, 'remote', 'add', 'twelve', `http://127.0.0.1:${platform.apiPort}/git/first.git`]);
  const { TWELVE_APP: _app, ...env } = platform.env;
  const ps = cli(env, repo, 'ps', '--json');
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /"web\.1"/);
});

test('a port in use stops twelve serve with the setting that moves it', async () => {
  const holder = createServer().listen(0, '127.0.0.1');
  await new Promise((listening) => holder.once('listening', listening));
  const port = (holder.address() as { port: number }).port;
  try {
    const other = new TestPlatform();
    const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...other.env, TWELVE_API_PORT: String(port), TWELVE_ROUTER_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${port} is in use by another program`));
    assert.match(stderr, /TWELVE_API_PORT/);
    // The router's port too.
    const routerChild = spawn(process.execPath, [CLI, 'serve'], { env: { ...other.env, TWELVE_API_PORT: '0', TWELVE_ROUTER_PORT: String(port), TWELVE_HTTPS_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let routerStderr = '';
    routerChild.stderr.on('data', (chunk: Buffer) => { routerStderr += chunk.toString(); });
    assert.equal(await new Promise<number | null>((done) => routerChild.on('close', done)), 1);
    assert.match(routerStderr, /is in use by another program/);
    assert.match(routerStderr, /TWELVE_ROUTER_PORT/);
    await other.dispose();
  } finally {
    holder.close();
  }
});

test('a web process that never binds PORT is shown being waited for, not a minute of silence', async () => {
  const slow = new TestPlatform({ TWELVE_BOOT_TIMEOUT: '12' });
  try {
    await slow.start();
    const dir = mkdtempSync(join(tmpdir(), 'twelve-never-binds-'));
    writeFileSync(join(dir, 'Procfile'), 'web: exec sleep 600\n');
    await slow.ok('create', 'mute');
    const deployed = await slow.cli('deploy', dir, '-a', 'mute');
    assert.equal(deployed.code, 1);
    assert.match(deployed.stdout, /web\.1: Waiting for the process to accept connections on PORT \d+ \(1\d s of 12 s; a web process must listen on \$PORT\)/);
  } finally {
    await slow.dispose();
  }
});

/** What bash's completion offers for the line typed so far, through the script `twelve completion` prints. */
function completions(line: string): string[] {
  const script = [
    `twelve() { ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"; }`,
    `source <(twelve completion bash)`,
    // bash's default word breaks, colon included: the script must cope with apps:create split in two.
    `COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'`,
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
    `_twelve; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], { env: platform.env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

test('shell completion offers commands, their flags and the apps there are', () => {
  assert.deepEqual(completions('twelve conf'), ['config', 'config:get', 'config:set', 'config:unset']);
  // After a colon bash replaces only the part after it.
  assert.deepEqual(completions('twelve apps:cr'), ['create']);
  assert.deepEqual(completions('twelve config:set --'), ['--file', '--app', '--json', '--help']);
  assert.deepEqual(completions('twelve logs -a fir'), ['first']);
  const fish = cli(platform.env, process.cwd(), 'completion', 'fish');
  assert.equal(fish.code, 1);
  assert.match(fish.stderr, /twelve completes in bash and zsh, not fish/);
});

const hasZsh = spawnSync('zsh', ['--version']).status === 0;
test('the zsh completion script is valid zsh', { skip: hasZsh ? false : 'zsh is not installed (.ci/run installs it)' }, () => {
  const script = cli(platform.env, process.cwd(), 'completion', 'zsh');
  assert.equal(script.code, 0, script.stderr);
  assert.match(script.stdout, /compdef _twelve twelve/);
  assert.match(script.stdout, /config:set\) flags=\(-f --file -a --app --json --help\)/);
  const parsed = spawnSync('zsh', ['-n'], { input: script.stdout, encoding: 'utf8' });
  assert.equal(parsed.status, 0, parsed.stderr);
});

test('a past build\'s output is kept: builds:output shows it, a failed build\'s with its error', async () => {
  const shown = await platform.ok('builds:output', '-a', 'first');
  assert.match(shown.stdout, /^-----> /m);
  const builds = JSON.parse((await platform.ok('builds', '-a', 'first', '--json')).stdout) as Array<{ id: string }>;
  const byId = await platform.ok('builds:output', builds.at(-1)!.id, '-a', 'first', '--json');
  assert.equal((JSON.parse(byId.stdout) as { output: string }).output, shown.stdout);

  const broken = mkdtempSync(join(tmpdir(), 'twelve-broken-build-'));
  writeFileSync(join(broken, 'package.json'), JSON.stringify({ name: 'broken', scripts: { build: 'echo compiling the client; exit 3' } }));
  writeFileSync(join(broken, 'Procfile'), 'web: node -e 0\n');
  const failed = await platform.cli('deploy', broken, '-a', 'first');
  assert.equal(failed.code, 1);
  const output = await platform.ok('builds:output', '-a', 'first');
  assert.match(output.stdout, /compiling the client/);
  assert.match(output.stdout, /^ ! {5}.*exit/m);

  const missing = await platform.cli('builds:output', '20000101000000-abcdef', '-a', 'first');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /first has no build 20000101000000-abcdef/);
  assert.match(missing.stderr, /twelve builds -a APP/);
});
