/**
 * Each app's own Unix user: made the first time the app builds or runs, removed with the app. Never
 * root, never shared: the name carries the app's name (and its id when the name is too long for a user).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { errorText, TwelveError } from '../errors.js';

export interface AppUser {
  name: string;
  uid: number;
  gid: number;
}

/** Far above the uids a distribution hands out, so an app's user never owns anything of the system's. */
export const APP_UID_RANGE = [200_000, 299_999] as const;
const [UID_MIN, UID_MAX] = APP_UID_RANGE;
/** Linux user names are at most 32 characters. */
const MAX_NAME = 32;

/** @example appUserName('shop', 7) // 'tw-shop' */
export function appUserName(app: string, appId: number): string {
  const name = `tw-${app}`;
  return name.length <= MAX_NAME ? name : `tw-${appId}-${app}`.slice(0, MAX_NAME);
}

/** The user's entry in /etc/passwd, read without starting a process. */
export function findUser(name: string, passwd = readFileSync('/etc/passwd', 'utf8')): AppUser | undefined {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

const known = new Map<string, AppUser>();

/** The app's user, made now (with a group of its own, no home, no login shell) when it does not exist. */
export function ensureAppUser(app: string, appId: number): AppUser {
  const name = appUserName(app, appId);
  const cached = known.get(name);
  if (cached) return cached;
  let user = findUser(name);
  if (!user) {
    try {
      execFileSync('useradd', [
        '--no-create-home', '--home-dir', '/app', '--shell', '/usr/sbin/nologin', '--user-group',
        '--key', `UID_MIN=${UID_MIN}`, '--key', `UID_MAX=${UID_MAX}`, '--key', `GID_MIN=${UID_MIN}`, '--key', `GID_MAX=${UID_MAX}`,
        '--comment', `twelve app ${app}`, name,
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      // A concurrent build of the same app may have made it first.
      user = findUser(name);
      if (!user) throw new TwelveError('SANDBOX_UNAVAILABLE', `could not create the user ${name} for app ${app}: ${stderrOf(error)}`);
    }
    user ??= findUser(name);
    if (!user) throw new TwelveError('SANDBOX_UNAVAILABLE', `useradd made no user ${name} for app ${app}`);
  }
  if (user.uid === 0 || user.gid === 0) throw new TwelveError('SANDBOX_UNAVAILABLE', `the user ${name} for app ${app} is root; remove it (userdel ${name})`);
  known.set(name, user);
  return user;
}

/** Refuses a new name whose user is already on the machine (left behind, or another data dir's app). */
export function assertUserFree(newName: string, appId: number): void {
  const renamed = appUserName(newName, appId);
  if (findUser(renamed)) {
    throw new TwelveError('APP_USER_EXISTS', `the user ${renamed} already exists on this machine (an app of another twelve data dir, or one left behind)`);
  }
}

/** Renames the app's user and its group (apps:rename): the uid stays, so the app's files stay its own. */
export function renameAppUser(app: string, newName: string, appId: number): void {
  const name = appUserName(app, appId);
  const renamed = appUserName(newName, appId);
  known.delete(name);
  if (name === renamed || !findUser(name)) return;
  assertUserFree(newName, appId);
  try {
    execFileSync('usermod', ['--login', renamed, '--comment', `twelve app ${newName}`, name], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('groupmod', ['--new-name', renamed, name], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new TwelveError('SANDBOX_UNAVAILABLE', `could not rename the user ${name} to ${renamed}: ${stderrOf(error)}`);
  }
}

/** Removes the app's user and its group, if they exist (apps:destroy). */
export function removeAppUser(app: string, appId: number): void {
  const name = appUserName(app, appId);
  known.delete(name);
  if (!findUser(name)) return;
  execFileSync('userdel', [name], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || errorText(error);
}
