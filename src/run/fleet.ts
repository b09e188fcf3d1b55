/**
 * The fleet: which processes run for each app. It starts a release's processes at the app's formation,
 * switches the router to them only once every one of them is up, then retires the old ones; it scales,
 * restarts, and brings every app back after a restart of twelve. All changes to one app are serialized.
 */
import type pino from 'pino';
import { buildDirOf } from '../build/build-dir.js';
import { errorText, TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { RouteTable } from '../router/route-table.js';
import type { App } from '../store/apps.js';
import { getBuild, type BuildManifest } from '../store/builds.js';
import type { Db } from '../store/database.js';
import { formationForRelease, getFormation, getFormationSizes, type Formation } from '../store/formation.js';
import type { Release } from '../store/releases.js';
import type { LogBus } from '../logs/log-bus.js';
import { parseHealthcheck } from '../build/healthcheck.js';
import { parseMetricsPath } from '../build/metrics-path.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { DEFAULT_SIZE, findSize } from './process-size.js';
import { setUpReleaseProcess } from './release-process.js';
import type { SupervisedProcess, Supervisor } from './supervisor.js';

interface AppFleet {
  /** The release whose web processes receive traffic. */
  live: Release | null;
  processes: SupervisedProcess[];
  /** A rollout's new processes while they boot: shown by `ps`, not yet routed to. */
  booting: SupervisedProcess[];
}

export interface FleetDeps {
  db: Db;
  paths: Paths;
  supervisor: Supervisor;
  table: RouteTable;
  logs: LogBus;
  logger: pino.Logger;
  sandbox: Sandbox;
  bootTimeoutMs: number;
  /** How long old web processes may take to finish their requests in flight before they get SIGTERM. */
  drainTimeoutMs?: number;
}

export class Fleet {
  private readonly apps = new Map<number, AppFleet>();
  private readonly locks = new Map<number, Promise<unknown>>();
  /** Replaced processes still draining and stopping after a switch, per app. */
  private readonly retiring = new Map<number, Promise<void>>();
  private drain: ((backendId: string, timeoutMs: number) => Promise<unknown>) | null = null;

  constructor(private readonly deps: FleetDeps) {
    deps.supervisor.on('up', (proc: SupervisedProcess) => this.onUp(proc));
    deps.supervisor.on('down', (proc: SupervisedProcess) => this.onDown(proc));
  }

  /** Runs `work` once every earlier change to the same app has finished, its old processes stopped. */
  async exclusive<T>(appId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(appId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.retiring.get(appId)).then(work);
    this.locks.set(appId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(appId) === run) this.locks.delete(appId);
    }
  }

  /** The app's processes, a rollout's booting ones included (`ps` shows both releases during a deploy). */
  processes(appId: number): SupervisedProcess[] {
    const fleet = this.apps.get(appId);
    return fleet ? [...fleet.processes, ...fleet.booting].sort(byName) : [];
  }

  liveRelease(appId: number): Release | null {
    return this.apps.get(appId)?.live ?? null;
  }

  /**
   * Starts `release` beside whatever runs now and makes it live only when all its processes are up.
   * If any fails to come up, the new processes are stopped and the old ones never stopped serving.
   * `types` limits the replacement to some process types (ps:restart web); the others keep running.
   * `keepFailed` (restoring after a restart of twelve, when there is nothing older to fall back to) goes
   * live anyway and leaves a process that did not come up to the supervisor's restarts.
   */
  async rollout(app: App, release: Release, options: { types?: string[]; keepFailed?: boolean } = {}): Promise<void> {
    const fleet = this.fleetOf(app.id);
    const formation = formationForRelease(getFormation(this.deps.db, app.id), release.processTypes);
    const replaced = (proc: SupervisedProcess) => !options.types || options.types.includes(proc.spec.type);
    const wanted = Object.entries(formation).filter(([type]) => !options.types || options.types.includes(type));
    const started = this.startProcesses(app, release, wanted.flatMap(([type, quantity]) => numbers(1, quantity).map((n) => ({ type, number: n }))));
    fleet.booting = started;
    try {
      await this.waitAllUp(app, started, options.keepFailed);
    } finally {
      fleet.booting = [];
    }

    const old = fleet.processes.filter(replaced);
    fleet.processes = [...fleet.processes.filter((proc) => !replaced(proc)), ...started];
    fleet.live = release;
    // The switch: new web processes in, then the old ones out, so there is no moment without a backend.
    for (const proc of started) if (proc.state === 'up') this.route(app.name, proc);
    for (const proc of old) this.unroute(app.name, proc);
    this.retire(app.id, old);
  }

  /** Brings the live release to the stored formation: starts what is missing, stops the surplus. */
  async scale(app: App): Promise<void> {
    const fleet = this.fleetOf(app.id);
    const release = fleet.live;
    if (!release) return;
    const formation = formationForRelease(getFormation(this.deps.db, app.id), release.processTypes);
    const missing: Array<{ type: string; number: number }> = [];
    const surplus: SupervisedProcess[] = [];
    for (const [type, quantity] of Object.entries(formation)) {
      const running = fleet.processes.filter((proc) => proc.spec.type === type);
      const taken = new Set(running.map((proc) => proc.spec.number));
      for (const n of numbers(1, quantity)) if (!taken.has(n)) missing.push({ type, number: n });
      surplus.push(...running.filter((proc) => proc.spec.number > quantity));
    }
    const started = this.startProcesses(app, release, missing);
    fleet.processes.push(...started);
    try {
      await this.waitAllUp(app, started);
    } catch (error) {
      fleet.processes = fleet.processes.filter((proc) => !started.includes(proc));
      throw error;
    }
    for (const proc of started) if (proc.state === 'up') this.route(app.name, proc);
    fleet.processes = fleet.processes.filter((proc) => !surplus.includes(proc));
    for (const proc of surplus) this.unroute(app.name, proc);
    await this.stopAll(surplus);
  }

  /** Stops every process of the app (app destroyed, or twelve stopping). */
  async stopApp(appId: number, appName: string): Promise<void> {
    const fleet = this.apps.get(appId);
    if (!fleet) return;
    this.apps.delete(appId);
    for (const proc of fleet.processes) this.unroute(appName, proc);
    await this.stopAll([...fleet.processes, ...fleet.booting]);
  }

  private fleetOf(appId: number): AppFleet {
    let fleet = this.apps.get(appId);
    if (!fleet) this.apps.set(appId, (fleet = { live: null, processes: [], booting: [] }));
    return fleet;
  }

  private startProcesses(app: App, release: Release, slots: Array<{ type: string; number: number }>): SupervisedProcess[] {
    if (slots.length === 0) return [];
    const manifest = this.manifestOf(release);
    const buildDir = buildDirOf(this.deps.paths, manifest);
    const healthcheck = parseHealthcheck(manifest.appJson);
    const metricsPath = parseMetricsPath(manifest.appJson);
    const sizes = getFormationSizes(this.deps.db, app.id);
    const setups = new Map<string, ReturnType<typeof setUpReleaseProcess>>();
    const setupOf = (type: string) => {
      let setup = setups.get(type);
      if (!setup) {
        const size = findSize(sizes[type] ?? DEFAULT_SIZE);
        setups.set(type, (setup = setUpReleaseProcess(this.deps.sandbox, { app, release, manifest, buildDir, size })));
      }
      return setup;
    };
    return slots.map(({ type, number }) => this.deps.supervisor.start({
      app: app.name, appId: app.id, releaseVersion: release.version, type, number,
      command: release.processTypes[type]!, ...setupOf(type), ...(type === 'web' && healthcheck ? { healthcheck } : {}),
      ...(type === 'web' && metricsPath ? { metricsPath } : {}),
    }));
  }

  private async waitAllUp(app: App, started: SupervisedProcess[], keepFailed = false): Promise<void> {
    const results = await Promise.allSettled(started.map((proc) => this.deps.supervisor.waitUntilUp(proc, this.deps.bootTimeoutMs)));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (!failure) return;
    if (keepFailed) {
      this.deps.logger.warn({ app: app.name, err: failure.reason }, 'a process did not come up; the supervisor keeps retrying it');
      return;
    }
    await this.stopAll(started);
    const reason = failure.reason as unknown;
    this.deps.logs.publish(app.name, 'twelve', 'api', `Release refused: ${errorText(reason)}`);
    throw reason instanceof TwelveError ? reason : new TwelveError('BOOT_FAILED', String(reason));
  }

  private manifestOf(release: Release): BuildManifest {
    const build = release.buildId ? getBuild(this.deps.db, release.buildId) : undefined;
    if (!build?.manifest) throw new TwelveError('NO_RELEASE', `release v${release.version} has no finished build`);
    return build.manifest;
  }

  /**
   * The router's drain: resolves once no request is in flight to a backend (its idle keep-alive
   * connections closed), or at the deadline. Set by `twelve serve` once the router exists.
   */
  setDrainer(drain: (backendId: string, timeoutMs: number) => Promise<unknown>): void {
    this.drain = drain;
  }

  /**
   * The old processes of a rollout drain and stop once the new ones serve, without holding up the deploy
   * (or config change, restart, rollback) that replaced them: its caller hears when the new release
   * serves, not when the last slow request to the old one has finished. The app's next change waits.
   */
  private retire(appId: number, processes: SupervisedProcess[]): void {
    if (processes.length === 0) return;
    const stopped = Promise.all([this.retiring.get(appId), this.stopAll(processes)]).then(() => undefined, (error: unknown) => {
      this.deps.logger.error({ err: error, appId }, 'could not stop the processes a rollout replaced');
    });
    this.retiring.set(appId, stopped);
    void stopped.then(() => { if (this.retiring.get(appId) === stopped) this.retiring.delete(appId); });
  }

  /** Every process here already left the router: requests in flight to it finish first, then it gets SIGTERM. */
  private async stopAll(processes: SupervisedProcess[]): Promise<void> {
    await Promise.all(processes.map(async (proc) => {
      if (proc.spec.type === 'web' && this.drain) {
        await this.drain(proc.id, this.deps.drainTimeoutMs ?? 30_000).catch(() => undefined);
      }
      await this.deps.supervisor.stop(proc);
    }));
  }

  private isLive(proc: SupervisedProcess): boolean {
    const fleet = this.apps.get(proc.spec.appId);
    return !!fleet && fleet.live?.version === proc.spec.releaseVersion && fleet.processes.includes(proc);
  }

  /** A process that comes up again after a crash rejoins the router if it belongs to the live set. */
  private onUp(proc: SupervisedProcess): void {
    if (this.isLive(proc)) this.route(proc.spec.app, proc);
  }

  private onDown(proc: SupervisedProcess): void {
    this.unroute(proc.spec.app, proc);
  }

  private route(app: string, proc: SupervisedProcess): void {
    if (proc.spec.type !== 'web' || proc.port === null) return;
    this.deps.table.addBackend(app, { id: proc.id, process: proc.name, port: proc.port });
  }

  private unroute(app: string, proc: SupervisedProcess): void {
    if (proc.spec.type === 'web') this.deps.table.removeBackend(app, proc.id);
  }
}

function numbers(from: number, to: number): number[] {
  const result: number[] = [];
  for (let n = from; n <= to; n += 1) result.push(n);
  return result;
}

function byName(a: SupervisedProcess, b: SupervisedProcess): number {
  if (a.spec.type !== b.spec.type) return a.spec.type.localeCompare(b.spec.type);
  return a.spec.number - b.spec.number || a.spec.releaseVersion - b.spec.releaseVersion;
}

export type { Formation };
