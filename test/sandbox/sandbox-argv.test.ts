import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUserName, findUser } from '../../src/sandbox/app-user.js';
import { firewallRestoreInput, firewallRules } from '../../src/sandbox/firewall.js';
import { LAUNCH_SCRIPT, type SandboxSpec, sandboxArgv } from '../../src/sandbox/sandbox-argv.js';
import { detectSandboxSupport } from '../../src/sandbox/sandbox-support.js';

const spec: SandboxSpec = {
  uid: 200001, gid: 200001, appDir: '/d/apps/shop/builds/b1/app', appView: { kind: 'overlay', mountPoint: '/d/sandbox', scratchMb: 512 },
  readOnly: ['/root/.pyenv/versions/3.12.1'], systemDirs: ['/usr', '/etc'], hidden: [], cgroupProcs: ['/sys/fs/cgroup/memory/twelve/p1/cgroup.procs'],
  openFiles: 10000, hostname: 'shop', launcher: null,
};

test('a process runs in its own mount namespace, its cgroups joined and its /app mounted before bwrap, as the app\'s user with no privileges', () => {
  assert.deepEqual(sandboxArgv(spec, '/bin/sh', ['-c', 'exec node server.js']), {
    file: '/usr/bin/unshare',
    args: [
      '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', LAUNCH_SCRIPT, 'twelve-sandbox',
      '/sys/fs/cgroup/memory/twelve/p1/cgroup.procs', '10000', '/d/apps/shop/builds/b1/app', '/d/sandbox', '200001', '200001', '512', 'overlay',
      '--tmpfs', '/', '--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc',
      '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/sbin', '/sbin',
      '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run',
      '--bind', '/d/sandbox/app', '/app', '--perms', '0755', '--dir', '/root', '--perms', '0755', '--dir', '/root/.pyenv', '--perms', '0755', '--dir', '/root/.pyenv/versions',
      '--ro-bind', '/root/.pyenv/versions/3.12.1', '/root/.pyenv/versions/3.12.1',
      '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'shop', '--chdir', '/app', '--',
      '/usr/bin/setpriv', '--reuid=200001', '--regid=200001', '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--',
      '/bin/sh', '-c', 'exec node server.js',
    ],
  });
});

test('twelve-launch, where native/ built it, does the same in one exec and hands the same arguments to bwrap; a copied /app stays with the script', () => {
  const script = sandboxArgv(spec, '/bin/sh', ['-c', 'exec node server.js']);
  const native = sandboxArgv({ ...spec, launcher: '/t/native/build/Release/twelve-launch' }, '/bin/sh', ['-c', 'exec node server.js']);
  assert.equal(native.file, '/t/native/build/Release/twelve-launch');
  assert.deepEqual(native.args.slice(0, 8), script.args.slice(8, 16));
  assert.deepEqual(native.args.slice(8), ['/usr/bin/bwrap', ...script.args.slice(16)]);
  const copied = sandboxArgv({ ...spec, launcher: '/t/twelve-launch', appView: { kind: 'copy', mountPoint: '/d/sandbox', scratchMb: 512 } }, 'true', []);
  assert.equal(copied.file, '/usr/bin/unshare');
});

test('a build step gets its build directory itself at /app and its cache at /cache; a hidden data dir is covered', () => {
  const { args } = sandboxArgv({ ...spec, appView: { kind: 'bind' }, cacheDir: '/d/apps/shop/cache', hidden: ['/opt/twelve'], cgroupProcs: [] }, 'npm', ['ci']);
  assert.deepEqual(args.slice(8, 16), ['', '10000', '', '', '200001', '200001', '0', '']);
  const bwrap = args.slice(16).join(' ');
  assert.match(bwrap, /--tmpfs \/run --tmpfs \/opt\/twelve --bind \/d\/apps\/shop\/builds\/b1\/app \/app --bind \/d\/apps\/shop\/cache \/cache /);
  assert.deepEqual(args.slice(-2), ['npm', 'ci']);
});

test('app users are named after their app, within the 32 characters Linux allows', () => {
  assert.equal(appUserName('shop', 7), 'tw-shop');
  assert.equal(appUserName('a-very-long-application-name-xx', 42), 'tw-42-a-very-long-application-na');
  assert.equal(appUserName('a-very-long-application-name-xx', 42).length, 32);
  assert.deepEqual(findUser('tw-shop', 'root:x:0:0::/root:/bin/sh\ntw-shop:x:200004:200004::/app:/usr/sbin/nologin\n'), { name: 'tw-shop', uid: 200004, gid: 200004 });
  assert.equal(findUser('tw-none', 'root:x:0:0::/root:/bin/sh\n'), undefined);
});

test('the firewall drops app users\' SYN-ACKs to anything but loopback', () => {
  assert.deepEqual(firewallRules(), [
    ['-A', 'TWELVE-APPS', '-o', 'lo', '-j', 'RETURN'],
    ['-A', 'TWELVE-APPS', '-p', 'tcp', '--tcp-flags', 'SYN,ACK', 'SYN,ACK', '-m', 'owner', '--uid-owner', '200000-299999', '-j', 'DROP'],
  ]);
  // One iptables-restore declares (so empties) the chain and fills it: two twelves starting together cannot interleave.
  assert.equal(firewallRestoreInput(), [
    '*filter',
    ':TWELVE-APPS - [0:0]',
    '-A TWELVE-APPS -o lo -j RETURN',
    '-A TWELVE-APPS -p tcp --tcp-flags SYN,ACK SYN,ACK -m owner --uid-owner 200000-299999 -j DROP',
    'COMMIT',
    '',
  ].join('\n'));
});

test('the sandbox is refused with what to install, or when twelve is not root', () => {
  assert.match(detectSandboxSupport({ uid: 0, exists: (path) => path !== '/usr/bin/bwrap', filesystems: 'nodev\toverlay\n' }).missing ?? '', /bwrap not found: apt-get install bubblewrap/);
  assert.match(detectSandboxSupport({ uid: 1000, exists: () => true, filesystems: '' }).missing ?? '', /not running as root/);
  assert.deepEqual(detectSandboxSupport({ uid: 0, exists: () => true, filesystems: 'nodev\toverlay\n' }), { missing: null, overlay: true });
});
