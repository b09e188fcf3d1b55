/**
 * What runs an app's command inside its sandbox, as an argument vector (no I/O here): twelve, as root,
 * starts twelve-launch (native/sandbox-launch.c), which takes a mount namespace of the process's own, joins
 * the process's cgroups, sets its open-files limit and mounts its private /app in one exec; where it was
 * not built, `unshare` and a small shell script do the same. Then bubblewrap builds the filesystem view and
 * the PID namespace, and setpriv drops to the app's user with no capabilities and no_new_privs.
 * The pid twelve gets stays the leader of the process group until bwrap exits (each step execs the next).
 */
import { posix } from 'node:path';

/** How /app is given to the process. */
export type AppView =
  /** The directory itself, writable (a build step writes the build). */
  | { kind: 'bind' }
  /** A copy-on-write overlay over the read-only directory, private to the process and gone when it exits. */
  | { kind: 'overlay'; mountPoint: string; scratchMb: number }
  /** Where the kernel has no overlayfs: a copy of the directory in memory, private and thrown away the same way. */
  | { kind: 'copy'; mountPoint: string; scratchMb: number };

export interface SandboxSpec {
  uid: number;
  gid: number;
  /** The host directory that is /app. */
  appDir: string;
  appView: AppView;
  /** A build's dependency cache, bound writable at /cache. */
  cacheDir?: string;
  /** Host directories the process may read, bound read-only at the same path (a runtime's prefix). */
  readOnly: readonly string[];
  /** The system directories bound read-only (those of SYSTEM_DIRS that exist on this machine). */
  systemDirs: readonly string[];
  /** Directories hidden under an empty tmpfs: twelve's data dir, should it lie under a system directory. */
  hidden: readonly string[];
  /** `cgroup.procs` files the process joins before anything of the app runs. */
  cgroupProcs: readonly string[];
  /** RLIMIT_NOFILE. */
  openFiles: number;
  hostname: string;
  /** twelve-launch, where native/ built it; null: `unshare` and LAUNCH_SCRIPT (and always for a `copy` view). */
  launcher: string | null;
}

/** Read-only parts of the system every sandbox sees; /root, /home, /tmp, /run, /var and the data dir stay hidden. */
export const SYSTEM_DIRS = ['/usr', '/etc', '/opt', '/sys'];

/** The system's part of every build step's and process's PATH (docs/environment.md). */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where a sandboxed process finds its app, its home and its cache. */
export const APP_PATH = '/app';
export const CACHE_PATH = '/cache';

const UNSHARE = '/usr/bin/unshare';
const BWRAP = '/usr/bin/bwrap';
const SETPRIV = '/usr/bin/setpriv';

/**
 * The fallback of twelve-launch, which takes the same arguments: $1 cgroup.procs files (newline-separated),
 * $2 open files, $3 the build's app dir for a private /app (empty: /app is bound as it is), $4 the mount
 * point, $5 uid, $6 gid, $7 scratch size in MiB, $8 overlay or copy; then bwrap's own arguments. The
 * private /app lives on a tmpfs in this mount namespace only: nothing of it outlives the process.
 */
export const LAUNCH_SCRIPT = [
  'set -e',
  'if [ -n "$1" ]; then printf "%s\\n" "$1" | while IFS= read -r f; do echo $$ > "$f"; done; fi',
  'ulimit -n "$2"',
  'if [ -n "$3" ]; then',
  '  /bin/mount -t tmpfs -o "size=$7m,mode=0755" twelve-app "$4"',
  '  mkdir "$4/upper" "$4/work" "$4/app"',
  '  chown "$5:$6" "$4/upper"',
  '  if [ "$8" = overlay ]; then',
  '    /bin/mount -t overlay overlay -o "lowerdir=$3,upperdir=$4/upper,workdir=$4/work" "$4/app"',
  '  else',
  '    cp -a "$3/." "$4/app/" && chown "$5:$6" "$4/app"',
  '  fi',
  'fi',
  'shift 8',
  `exec ${BWRAP} "$@"`,
].join('\n');

/** The program and arguments that run `file args` in the sandbox `spec` describes. */
export function sandboxArgv(spec: SandboxSpec, file: string, args: readonly string[]): { file: string; args: string[] } {
  const view = spec.appView.kind === 'bind' ? null : spec.appView;
  const launch = [
    spec.cgroupProcs.join('\n'), String(spec.openFiles),
    view ? spec.appDir : '', view ? view.mountPoint : '', String(spec.uid), String(spec.gid), String(view?.scratchMb ?? 0), view?.kind ?? '',
  ];
  const rest = [...bwrapArgs(spec), ...dropPrivileges(spec), file, ...args];
  if (spec.launcher && view?.kind !== 'copy') return { file: spec.launcher, args: [...launch, BWRAP, ...rest] };
  return {
    file: UNSHARE,
    args: ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', LAUNCH_SCRIPT, 'twelve-sandbox', ...launch, ...rest],
  };
}

function bwrapArgs(spec: SandboxSpec): string[] {
  const appSource = spec.appView.kind === 'bind' ? spec.appDir : `${spec.appView.mountPoint}/app`;
  const args = ['--tmpfs', '/'];
  for (const dir of spec.systemDirs) args.push('--ro-bind', dir, dir);
  // Debian's merged /usr: the top-level names are links into it.
  for (const name of ['bin', 'lib', 'lib64', 'sbin']) args.push('--symlink', `usr/${name}`, `/${name}`);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run');
  for (const dir of spec.hidden) args.push('--tmpfs', dir);
  args.push('--bind', appSource, APP_PATH);
  if (spec.cacheDir) args.push('--bind', spec.cacheDir, CACHE_PATH);
  for (const dir of spec.readOnly) args.push(...traversable(dir), '--ro-bind', dir, dir);
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', spec.hostname, '--chdir', APP_PATH, '--');
  return args;
}

/**
 * bwrap makes a bind's missing parents with the host's modes: /root (0700) would keep the app's user
 * from an interpreter under /root/.pyenv. They are made searchable (the host's files keep their own modes).
 */
function traversable(dir: string): string[] {
  const args: string[] = [];
  for (let parent = posix.dirname(dir); parent !== '/' && parent !== '.'; parent = posix.dirname(parent)) args.unshift('--perms', '0755', '--dir', parent);
  return args;
}

/** Everything after this runs as the app's user: no supplementary groups, no capabilities, no way back. */
function dropPrivileges(spec: SandboxSpec): string[] {
  return [SETPRIV, `--reuid=${spec.uid}`, `--regid=${spec.gid}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--'];
}
