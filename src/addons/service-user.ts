/**
 * Who runs the addon servers. PostgreSQL refuses to run as root, and neither server needs root, so when
 * twelve runs as root they run as the account Debian's package made (postgres, redis) through
 * `setpriv`, which execs the server in place (runuser would stay in between as a parent that turns a
 * SIGTERM into a SIGKILL two seconds later); otherwise as twelve's own user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { TwelveError } from '../errors.js';

export interface ServiceUser {
  /** The account the server runs as. */
  name: string;
  uid: number;
  gid: number;
  /** True when twelve is root and switches to `name` for every server command. */
  switches: boolean;
}

export function serviceUser(account: string, pkg: string): ServiceUser {
  const me = userInfo();
  if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid, switches: false };
  const found = spawnSync('id', ['-u', account], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new TwelveError('ADDON_UNAVAILABLE', `the ${account} account that runs the server does not exist: install the Debian package ${pkg}`);
  }
  const uid = Number(found.stdout.trim());
  const gid = Number(execFileSync('id', ['-g', account], { encoding: 'utf8' }).trim());
  return { name: account, uid, gid, switches: true };
}

/** The argv that runs `command` as the service user. */
export function asUser(user: ServiceUser, command: string, args: string[]): [string, string[]] {
  if (!user.switches) return [command, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', command, ...args]];
}

/**
 * Makes `dir` (under the data dir) the service user's own and lets it reach it: the data dir gets
 * search permission for others (o+x, never read), which is all an unprivileged server needs to get
 * through it. An ancestor that shuts others out (/root is 0700) is reported, not changed.
 */
export function prepareServerDir(user: ServiceUser, dataDir: string, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!user.switches) return;
  for (let path = dir; path.startsWith(dataDir) && path !== dirname(path); path = dirname(path)) {
    if (path === dir) chownSync(path, user.uid, user.gid);
    else chmodSync(path, statSync(path).mode | 0o001);
    if (path === dataDir) break;
  }
  const [cmd, argv] = asUser(user, 'test', ['-w', dir]);
  const probe = spawnSync(cmd, argv);
  if (probe.status !== 0) {
    throw new TwelveError('ADDON_SERVER_FAILED', `the ${user.name} account cannot reach ${dir}: a directory above the data dir does not let others through (chmod o+x it, or set TWELVE_DATA_DIR elsewhere, e.g. /var/lib/twelve)`);
  }
}

/** Writes a file only the service user (and root) can read. */
export function chownToUser(user: ServiceUser, file: string): void {
  if (user.switches) chownSync(file, user.uid, user.gid);
}
