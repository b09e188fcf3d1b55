/**
 * twelve-launch (native/sandbox-launch.c) and its fallback (`unshare` and the launch script) run for real,
 * side by side: the process they start must see the same sandbox either way.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nativeProgram } from '../../src/native-addon.js';
import { sandboxArgv, type SandboxSpec, SYSTEM_DIRS } from '../../src/sandbox/sandbox-argv.js';
import { detectSandboxSupport } from '../../src/sandbox/sandbox-support.js';
import { waitFor } from '../run/helpers.js';

const launcher = nativeProgram('twelve-launch');
const support = detectSandboxSupport();
const skip = support.missing ?? (support.overlay ? false : 'the kernel has no overlayfs');
const UID = 299_990;

const root = mkdtempSync(join(tmpdir(), 'twelve-launch-'));
after(() => rmSync(root, { recursive: true, force: true }));

function specIn(dir: string, useLauncher: boolean, cgroupProcs: string[] = []): SandboxSpec {
  const appDir = join(dir, 'build');
  const mountPoint = join(dir, 'mnt');
  mkdirSync(appDir, { recursive: true });
  mkdirSync(mountPoint, { recursive: true });
  writeFileSync(join(appDir, 'Procfile'), 'web: node server.js\n');
  // A build belongs to its app's user.
  for (const path of [appDir, join(appDir, 'Procfile')]) chownSync(path, UID, UID);
  return {
    uid: UID, gid: UID, appDir, appView: { kind: 'overlay', mountPoint, scratchMb: 16 }, readOnly: [],
    systemDirs: SYSTEM_DIRS, hidden: [], cgroupProcs, openFiles: 4321, hostname: 'launched', launcher: useLauncher ? launcher : null,
  };
}

/** What the sandboxed process saw, as lines. */
const PROBE = [
  'id -u', 'id -g', 'pwd', 'hostname', 'ulimit -n', 'ulimit -Hn', 'cat Procfile',
  'echo written > Procfile && cat Procfile', 'echo new > new-file && ls',
].join('; ');

function probe(spec: SandboxSpec): string[] {
  const { file, args } = sandboxArgv(spec, '/bin/sh', ['-c', PROBE]);
  const result = spawnSync(file, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n');
}

test('twelve-launch gives the process the sandbox the shell script gives it', { skip: skip || (launcher ? false : 'native/ did not build twelve-launch') }, () => {
  for (const useLauncher of [true, false]) {
    const dir = join(root, useLauncher ? 'native' : 'script');
    const spec = specIn(dir, useLauncher);
    assert.equal(sandboxArgv(spec, '/bin/true', []).file, useLauncher ? launcher : '/usr/bin/unshare');
    assert.deepEqual(probe(spec), [String(UID), String(UID), '/app', 'launched', '4321', '4321', 'web: node server.js', 'written', 'Procfile', 'new-file'], useLauncher ? 'twelve-launch' : 'the script');
    // Each run wrote into a private layer, gone with it: the build is as it was, and nothing stays mounted.
    assert.equal(readFileSync(join(spec.appDir, 'Procfile'), 'utf8'), 'web: node server.js\n');
    assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(join(dir, 'mnt')));
  }
});

test('twelve-launch joins the process\'s cgroups before anything of the app runs', { skip: skip || (launcher ? false : 'native/ did not build twelve-launch') }, async (t) => {
  const group = `/sys/fs/cgroup/pids/twelve-launch-test-${process.pid}`;
  try {
    mkdirSync(group);
  } catch {
    t.skip('no writable cgroup v1 pids controller here');
    return;
  }
  try {
    const spec = specIn(join(root, 'cgroup'), true, [join(group, 'cgroup.procs')]);
    const { file, args } = sandboxArgv(spec, '/bin/sleep', ['30']);
    const child = spawn(file, args, { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor('the sandboxed process in its cgroup', () => readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').includes(String(child.pid)));
    killAll(group);
    await exited;
  } finally {
    killAll(group);
    await waitFor('the cgroup emptied', () => readFileSync(join(group, 'cgroup.procs'), 'utf8').trim() === '');
    rmdirSync(group);
  }
});

function killAll(group: string): void {
  for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

test('twelve-launch refuses bad arguments before it starts anything', { skip: launcher ? false : 'native/ did not build twelve-launch' }, () => {
  const result = spawnSync(launcher ?? '', ['', 'many', '', '', '1', '1', '1', 'overlay', '/bin/true'], { encoding: 'utf8' });
  assert.equal(result.status, 125);
  assert.match(result.stderr, /twelve-launch: open files many/);
});
