/**
 * The one-off processes of every app: `run.N` (and `release.1` while a release phase runs). Makes them
 * from a release (its build, its config), lists them for `ps`, hands attach links out once, and stops
 * them when an app is destroyed or twelve stops.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDirOf } from '../build/build-dir.js';
import { TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { App } from '../store/apps.js';
import { buildRemovedAt } from '../store/build-retention.js';
import { type BuildManifest, getBuild } from '../store/builds.js';
import type { Release } from '../store/releases.js';
import { OneOff, type OneOffDeps, type OneOffHooks } from './one-off.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { DEFAULT_SIZE, findSize } from './process-size.js';
import { setUpReleaseProcess } from './release-process.js';
import { getFormationSizes } from '../store/formation.js';
import { shellCommand } from './shell-words.js';

/** How long an attach link stays good: the CLI connects right after it got the link. */
export const ATTACH_WINDOW_MS = 30_000;

export interface OneOffOptions {
  type: 'run' | 'release';
  /** A shell line, or words to run exactly as given. */
  command: string | string[];
  /** An attached run: started once the client attaches through `claim`, with its standard input. */
  attach: boolean;
  hooks?: OneOffHooks;
}

export class OneOffs {
  private readonly running = new Map<string, OneOff>();
  private readonly counters = new Map<number, number>();
  private readonly pendingAttach = new Map<string, { proc: OneOff; timer: NodeJS.Timeout }>();

  constructor(private readonly deps: OneOffDeps & { paths: Paths; sandbox: Sandbox }) {}

  /**
   * A one-off of `release`: detached ones start at once; an attached one waits for `claim(secret)`.
   * Throws BUILD_REMOVED when retention removed the release's build.
   */
  create(app: App, release: Release, options: OneOffOptions): { proc: OneOff; attachSecret: string | null } {
    const { buildDir, manifest } = this.locateBuild(release);
    // As on Heroku, a one-off runs at the size of the app's web processes unless told otherwise.
    const size = findSize(getFormationSizes(this.deps.db, app.id)[options.type === 'release' ? 'release' : 'web'] ?? DEFAULT_SIZE);
    const setup = setUpReleaseProcess(this.deps.sandbox, { app, release, manifest, buildDir, size });
    const { display, script } = shellCommand(options.command);
    const number = options.type === 'release' ? 1 : this.nextNumber(app.id);
    const proc = new OneOff({
      app: app.name, appId: app.id, releaseVersion: release.version, type: options.type, number, command: display, script,
      buildId: release.buildId!, stdin: options.attach,
      cwd: setup.cwd, env: setup.env, profile: setup.profile, limits: setup.limits, ...(setup.sandbox ? { sandbox: setup.sandbox } : {}),
    }, this.deps, options.hooks);
    this.running.set(proc.id, proc);
    void proc.done.then(() => this.running.delete(proc.id));
    if (!options.attach) {
      proc.start();
      return { proc, attachSecret: null };
    }
    const secret = randomBytes(24).toString('hex');
    const timer = setTimeout(() => {
      this.pendingAttach.delete(secret);
      proc.log.say('Nobody attached within 30 s; not started');
      void proc.stop();
    }, ATTACH_WINDOW_MS);
    timer.unref();
    this.pendingAttach.set(secret, { proc, timer });
    return { proc, attachSecret: secret };
  }

  /** The one-off an attach link stands for, once; RUN_NOT_FOUND for an unknown or used link. */
  claim(secret: string, hooks: Required<Pick<OneOffHooks, 'onStdout' | 'onStderr'>>): OneOff {
    const pending = this.pendingAttach.get(secret);
    if (!pending) throw new TwelveError('RUN_NOT_FOUND', 'no one-off process waits for this attach link');
    this.pendingAttach.delete(secret);
    clearTimeout(pending.timer);
    pending.proc.attach(hooks);
    return pending.proc;
  }

  list(appId: number): OneOff[] {
    return [...this.running.values()].filter((proc) => proc.spec.appId === appId)
      .sort((a, b) => a.spec.type.localeCompare(b.spec.type) || a.spec.number - b.spec.number);
  }

  /** Builds running one-offs use: retention keeps them. */
  buildsInUse(): string[] {
    return [...this.running.values()].map((proc) => proc.spec.buildId);
  }

  async stopApp(appId: number): Promise<void> {
    await Promise.all(this.list(appId).map((proc) => proc.stop()));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((proc) => proc.stop()));
  }

  private nextNumber(appId: number): number {
    const number = (this.counters.get(appId) ?? 0) + 1;
    this.counters.set(appId, number);
    return number;
  }

  private locateBuild(release: Release): { buildDir: string; manifest: BuildManifest } {
    const build = release.buildId ? getBuild(this.deps.db, release.buildId) : undefined;
    if (!build?.manifest) throw new TwelveError('NO_RELEASE', `release v${release.version} has no finished build`);
    const buildDir = buildDirOf(this.deps.paths, build.manifest);
    if (buildRemovedAt(this.deps.db, build.id) !== null || !existsSync(buildDir)) {
      throw new TwelveError('BUILD_REMOVED', `build ${build.id} of release v${release.version} was removed by build retention`);
    }
    return { buildDir, manifest: build.manifest };
  }
}
