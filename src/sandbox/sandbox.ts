/**
 * The sandbox every app process and build step runs in (docs/security.md): whether it is on, and the
 * SandboxSpec for one process of one app. Off only when the operator says so (TWELVE_SANDBOX=off); on but
 * not available here, it refuses to start anything of an app and says why.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { TwelveError } from '../errors.js';
import { nativeProgram } from '../native-addon.js';
import { type AppUser, appUserName, assertUserFree, ensureAppUser, removeAppUser, renameAppUser } from './app-user.js';
import { type AppView, SYSTEM_DIRS, type SandboxSpec } from './sandbox-argv.js';
import { detectSandboxSupport, type SandboxSupport } from './sandbox-support.js';

export interface SandboxOptions {
  /** TWELVE_SANDBOX. */
  mode: 'on' | 'off';
  /** An empty directory of twelve's, where each process mounts its private /app in its own namespace. */
  mountPoint: string;
  /** TWELVE_SANDBOX_READ_ONLY: more host directories every sandbox may read (a package mirror, say). */
  readOnly: readonly string[];
  /** How much a process may write into its /app before ENOSPC (the overlay's upper layer, in memory). */
  scratchMb: number;
  /** twelve's data dir: never visible in a sandbox, wherever it lies. */
  dataDir: string;
}

export interface SandboxState {
  mode: 'on' | 'off';
  /** Whether app processes run sandboxed now. */
  active: boolean;
  /** Why the sandbox cannot be had here (mode on: apps are refused), or null. */
  problem: string | null;
  /** 'overlay', or 'copy' where the kernel has no overlayfs. */
  appView: 'overlay' | 'copy' | null;
}

/** What one sandboxed command gets besides its app's user. */
export interface SandboxTarget {
  appDir: string;
  /** A build step writes its build; a process gets a private copy-on-write /app. */
  writable: boolean;
  cacheDir?: string;
  /** Host directories this app's build needs to read (its interpreter's prefix). */
  readOnly?: readonly string[];
  cgroupProcs?: readonly string[];
  openFiles?: number;
}

/** Heroku's dynos allow 10,000 open files. */
export const DEFAULT_OPEN_FILES = 10_000;

export class Sandbox {
  readonly state: SandboxState;
  /** twelve-launch (native/sandbox-launch.c), where native/ built it. */
  private readonly launcher = nativeProgram('twelve-launch');

  constructor(private readonly options: SandboxOptions, support: SandboxSupport = options.mode === 'off' ? { missing: null, overlay: false } : detectSandboxSupport()) {
    const active = options.mode === 'on' && support.missing === null;
    this.state = {
      mode: options.mode,
      active,
      problem: options.mode === 'on' ? support.missing : null,
      appView: active ? (support.overlay ? 'overlay' : 'copy') : null,
    };
    if (active) mkdirSync(options.mountPoint, { recursive: true, mode: 0o700 });
  }

  /** SANDBOX_UNAVAILABLE when apps must not start here (on, but not available). */
  assertUsable(): void {
    if (this.state.problem !== null) {
      throw new TwelveError('SANDBOX_UNAVAILABLE', `apps cannot be sandboxed on this machine: ${this.state.problem}`);
    }
  }

  /** The app's user, made when missing; null with the sandbox off. */
  userOf(app: { name: string; id: number }): AppUser | null {
    this.assertUsable();
    return this.state.active ? ensureAppUser(app.name, app.id) : null;
  }

  /** Removes the app's user (apps:destroy), once nothing of the app runs. */
  /** Throws when the app's user under `newName` would clash with a user already on the machine. */
  assertRenamable(app: { name: string; id: number }, newName: string): void {
    if (this.state.active && appUserName(app.name, app.id) !== appUserName(newName, app.id)) assertUserFree(newName, app.id);
  }

  renameUser(app: { name: string; id: number }, newName: string): void {
    if (this.state.active) renameAppUser(app.name, newName, app.id);
  }

  removeUser(app: { name: string; id: number }): void {
    if (this.state.active) removeAppUser(app.name, app.id);
  }

  /** How to sandbox one command of `app`; null with the sandbox off (the command runs as twelve does). */
  specFor(app: { name: string; id: number }, target: SandboxTarget): SandboxSpec | null {
    const user = this.userOf(app);
    if (!user) return null;
    return {
      uid: user.uid,
      gid: user.gid,
      appDir: target.appDir,
      appView: this.appView(target.writable),
      ...(target.cacheDir ? { cacheDir: target.cacheDir } : {}),
      readOnly: [...this.options.readOnly, ...(target.readOnly ?? [])].filter((dir) => existsSync(dir)),
      systemDirs: SYSTEM_DIRS.filter((dir) => existsSync(dir)),
      hidden: SYSTEM_DIRS.some((dir) => this.options.dataDir.startsWith(`${dir}/`)) ? [this.options.dataDir] : [],
      cgroupProcs: target.cgroupProcs ?? [],
      openFiles: target.openFiles ?? DEFAULT_OPEN_FILES,
      hostname: app.name,
      launcher: this.launcher,
    };
  }

  private appView(writable: boolean): AppView {
    if (writable) return { kind: 'bind' };
    return { kind: this.state.appView === 'copy' ? 'copy' : 'overlay', mountPoint: this.options.mountPoint, scratchMb: this.options.scratchMb };
  }
}
