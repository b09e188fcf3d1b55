import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestPlatform, waitFor } from '../e2e/harness.js';
import { httpGet, NODE_APP, writeApp } from './apps.js';
import { freePort } from '../../src/free-port.js';

const ANALYZE_MISSING = spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'systemd-analyze is not installed (apt-get install systemd)';
const BWRAP_MISSING = spawnSync('bwrap', ['--version']).status === 0 ? false : 'bubblewrap is not installed';

/** The unit's [Service] settings, each key with its values in order. */
function serviceSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line);
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

/** KEY="value" lines as systemd reads them (the escapes environmentFile writes). */
function readEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^(\w+)="((?:[^"\\]|\\.)*)"$/gms)) env[match[1]!] = match[2]!.replace(/\\(.)/g, '$1');
  return env;
}

describe('twelve export systemd', () => {
  const platform = new TestPlatform();
  const work = mkdtempSync(join(tmpdir(), 'twelve-systemd-'));
  const dir = join(work, 'units');
  const root = join(work, 'root');

  before(async () => {
    await platform.start();
    await platform.ok('apps:create', 'unit');
    await platform.ok('deploy', writeApp(NODE_APP), '-a', 'unit');
    await platform.ok('config:set', 'GREETING=from-env-file', '-a', 'unit');
    await platform.ok('ps:scale', 'web=2', 'worker=1', '-a', 'unit');
    await platform.ok('export', 'systemd', '-a', 'unit', '-o', dir);
    mkdirSync(root);
    const untar = spawnSync('tar', ['-xpf', join(dir, 'unit-v2-rootfs.tar'), '-C', root, '--numeric-owner']);
    assert.equal(untar.status, 0, untar.stderr.toString());
  });
  after(async () => {
    await platform.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('writes template units, the release oneshot, the target, a 0600 EnvironmentFile, the rootfs and install.sh', () => {
    for (const name of ['unit-web@.service', 'unit-worker@.service', 'unit-release.service', 'unit.target', 'unit.env', 'install.sh', 'unit-v2-rootfs.tar']) {
      assert.ok(statSync(join(dir, name)).isFile(), name);
    }
    assert.equal(statSync(join(dir, 'unit.env')).mode & 0o777, 0o600);
    assert.deepEqual(readEnvironmentFile(readFileSync(join(dir, 'unit.env'), 'utf8')), { GREETING: 'from-env-file' });
    assert.match(readFileSync(join(dir, 'unit.target'), 'utf8'), /Wants=unit-web@5000.service\nWants=unit-web@5001.service\nWants=unit-worker@1.service\n/);
  });

  test('systemd-analyze verify passes on the exported units', { skip: ANALYZE_MISSING }, () => {
    const result = spawnSync('systemd-analyze', ['verify', 'unit-web@.service', 'unit-worker@.service', 'unit-release.service', 'unit.target'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr.toString());
    assert.equal(result.stderr.toString(), '');
  });

  /**
   * Runs a unit's ExecStart as written, the way systemd would: inside its RootDirectory (the exported
   * rootfs) as the app's user, with the unit's Environment= lines, the EnvironmentFile and %i.
   */
  const runExecStart = (unitFile: string, instance: string): ReturnType<typeof spawn> => {
    const settings = serviceSettings(readFileSync(join(dir, unitFile), 'utf8').replaceAll('%i', instance));
    const env = { ...Object.fromEntries(settings.get('Environment')!.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])),
      ...readEnvironmentFile(readFileSync(join(dir, 'unit.env'), 'utf8')) };
    const execStart = settings.get('ExecStart')![0]!.split(' ');
    const args = ['--bind', root, '/', '--proc', '/proc', '--dev', '/dev', '--ro-bind', '/etc/resolv.conf', '/etc/resolv.conf',
      '--chdir', settings.get('WorkingDirectory')![0]!, '--unshare-pid', '--unshare-user', '--uid', '1000', '--gid', '1000', '--die-with-parent', '--clearenv',
      ...Object.entries(env).flatMap(([key, value]) => ['--setenv', key, value]), '--', ...execStart];
    return spawn('bwrap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  };

  test('the web unit\'s ExecStart, run as written in the unit\'s root, starts the web process with the EnvironmentFile\'s config', { skip: BWRAP_MISSING }, async () => {
    const port = await freePort();
    const web = runExecStart('unit-web@.service', String(port));
    try {
      const answer = await waitFor('the web process to answer', () => httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined), 30_000, 200);
      assert.equal(answer.body, `hello from-env-file uid=1000 dyno=web.${port}`);
    } finally {
      web.kill('SIGTERM');
    }
  });

  test('the release unit\'s ExecStart runs the release command and exits 0', { skip: BWRAP_MISSING }, async () => {
    const release = runExecStart('unit-release.service', '');
    let output = '';
    release.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const code = await new Promise((done) => release.on('close', done));
    assert.equal(code, 0);
    assert.match(output, /release ran/);
  });
});
