/**
 * The process supervisor: spawns each Procfile process in its own process group, tells when it is up,
 * restarts it with backoff when it crashes, and stops it gracefully (SIGTERM, deadline, SIGKILL).
 * Events: 'up' and 'down' (SupervisedProcess), on which the router adds and removes backends, and
 * 'crashed' for every exit nobody asked for (the crash-loop watch counts them).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type pino from 'pino';
import { errorText, TwelveError } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Db } from '../store/database.js';
import { forgetProcess, recordProcess } from '../store/processes.js';
import { bootTimedOut, exitedAtBoot, seconds, stoppedAtBoot, type BootFacts } from './boot-failure.js';
import type { PortAllocator } from './port-allocator.js';
import { readStartTicks } from '../launch/proc-stat.js';
import {
  isWeb, processArgv, processCwd, processName, spawnEnv, type ProcessSpec, type ProcessState, type SupervisedProcess,
} from './process-spec.js';
import { CRASH_COUNTER_RESET_MS, restartDelayMs } from './restart-delay.js';
import { ProcessLog } from './process-log.js';
import { SocketOutput, type ProcessOutputs } from '../launch/process-output.js';
import { ProcessRun, exitStatus } from './process-run.js';
import { spawner, type ChildLike, type Spawner } from '../launch/spawner.js';
import { WAITING_TEXT, watchPort, watchSettle } from './up-check.js';
import { UpWaiters } from './up-waiters.js';
import type { Entry, Mutable } from './supervisor-entry.js';
import type { ProcessLimits } from './process-limits.js';

export interface SupervisorDeps {
  db: Db;
  logs: LogBus;
  ports: PortAllocator;
  /** Between SIGTERM and SIGKILL when stopping. */
  stopTimeoutMs: number;
  logger: pino.Logger;
  /** How long a non-web process must stay alive to count as up (default 3 s). */
  settleMs?: number;
  /** A web that accepts no connection this long after launch is killed and restarted, like Heroku's R10 (default 60 s). */
  bootTimeoutMs?: number;
  /** Told how long each start took to come up (seconds from spawn to up), for /metrics. */
  onBoot?: (proc: SupervisedProcess, seconds: number) => void;
  /** Spawns the processes (default: this twelve's spawner, see launch/spawner.ts). */
  spawner?: Spawner;
  /** Enforces each process's size (process-limits.ts); without it, sizes set nothing but WEB_CONCURRENCY. */
  limits?: ProcessLimits;
}

export type { SupervisedProcess };

export class Supervisor extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private readonly settleMs: number;
  private readonly bootTimeoutMs: number;
  private readonly spawner: Spawner;
  /** Set by stopAll: twelve is shutting down and starts nothing new. */
  private closed = false;

  constructor(private readonly deps: SupervisorDeps) {
    super();
    this.settleMs = deps.settleMs ?? 3000;
    this.bootTimeoutMs = deps.bootTimeoutMs ?? 60_000;
    this.spawner = deps.spawner ?? spawner;
    this.spawner.start(); // now, while twelve is small
  }

  /** Starts a process at once and keeps it running until `stop`; returns its live view. */
  start(spec: ProcessSpec): SupervisedProcess {
    if (this.closed) throw new TwelveError('SHUTTING_DOWN', `not starting ${processName(spec)}: twelve is stopping`);
    const view: Mutable<SupervisedProcess> = {
      id: randomUUID(), spec, name: processName(spec), state: 'starting', pid: null, port: null,
      since: new Date().toISOString(), restarts: 0, lastExit: null, bootMs: null,
    };
    const entry: Entry = {
      view, run: null, crashes: 0, upAt: null, launchedAt: 0, startError: null, unhealthy: null, allocating: false, stopping: null, resolveStopped: () => {},
      restartTimer: null, log: new ProcessLog(this.deps.logs, this.deps.logger, spec.app, view.name), waiters: new UpWaiters(),
    };
    this.entries.set(view.id, entry);
    this.boot(entry);
    return view;
  }

  /**
   * Resolves once the process is up; rejects with BOOT_FAILED (and its last output lines) when it exits
   * first, is stopped, or `timeoutMs` passes. A rejection does not stop the process: the caller decides.
   */
  waitUntilUp(proc: SupervisedProcess, timeoutMs: number): Promise<void> {
    const entry = this.entries.get(proc.id);
    if (!entry || entry.stopping) {
      return Promise.reject(stoppedAtBoot({ ...this.facts(entry), name: proc.name }));
    }
    if (entry.view.state === 'up') return Promise.resolve();
    if (entry.view.state === 'crashed') return Promise.reject(exitedAtBoot(this.facts(entry)));
    return entry.waiters.wait(timeoutMs, () => bootTimedOut(this.facts(entry), timeoutMs));
  }

  /** Stops a process for good: SIGTERM to its group, SIGKILL after stopTimeoutMs. Resolves when it is gone. */
  stop(proc: SupervisedProcess): Promise<void> {
    const entry = this.entries.get(proc.id);
    if (!entry) return Promise.resolve();
    if (entry.stopping) return entry.stopping;
    entry.stopping = new Promise<void>((resolve) => { entry.resolveStopped = resolve; });
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
    entry.waiters.settle(stoppedAtBoot(this.facts(entry)));
    if (entry.run) this.terminate(entry, entry.run);
    else if (!entry.allocating) this.finish(entry);
    return entry.stopping;
  }

  /** SIGTERM to a stopping process's group, SIGKILL after stopTimeoutMs. */
  private terminate(entry: Entry, run: ProcessRun): void {
    const wasUp = entry.view.state === 'up';
    this.setState(entry, 'stopping');
    if (wasUp) this.emitSafely('down', entry.view);
    if (run.alive) entry.log.say('Stopping all processes with SIGTERM');
    run.terminate(this.deps.stopTimeoutMs, () => {
      entry.log.say(`Error R12 (Exit timeout) -> At least one process failed to exit within ${seconds(this.deps.stopTimeoutMs)} of SIGTERM`);
      entry.log.say('Stopping remaining processes with SIGKILL');
    });
  }

  /** The processes not stopped yet, optionally of one app. */
  processes(appId?: number): SupervisedProcess[] {
    const views = [...this.entries.values()].map((entry) => entry.view);
    return appId === undefined ? views : views.filter((view) => view.spec.appId === appId);
  }

  /** Stops every process in parallel (twelve is shutting down). */
  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.processes().map((proc) => this.stop(proc)));
  }

  /** Allocates the web's PORT once and the output sockets, then spawns; a failure counts as a crash and is retried. */
  private boot(entry: Entry): void {
    const { view } = entry;
    if (view.state !== 'starting') this.setState(entry, 'starting');
    entry.allocating = true;
    this.prepare(entry).then((outputs) => this.spawnRun(entry, outputs), (error: unknown) => this.startFailed(entry, error));
  }

  /** No process could be started this time: a crash, retried with backoff (unless it is being stopped). */
  private startFailed(entry: Entry, error: unknown): void {
    entry.allocating = false;
    this.deps.limits?.ended(entry.view.id);
    this.cannotStart(entry, errorText(error));
    if (entry.stopping) this.finish(entry);
    else this.crashed(entry);
  }

  private async spawnRun(entry: Entry, outputs: ProcessOutputs): Promise<void> {
    if (entry.stopping) {
      entry.allocating = false;
      for (const output of outputs) output.destroy();
      this.finish(entry);
      return;
    }
    let child: ChildLike;
    try {
      child = await this.launch(entry, outputs);
    } catch (error) {
      for (const output of outputs) output.destroy();
      this.startFailed(entry, error);
      return;
    }
    entry.allocating = false;
    const run = this.watchRun(entry, child, outputs);
    if (entry.stopping) this.terminate(entry, run); // stop() came while it was being spawned
  }

  /**
   * The web's PORT (once), and the socket the process's output is read from (each run anew): one for
   * stdout and stderr both, so that their lines stay in the order the process wrote them, as on Heroku.
   */
  private async prepare(entry: Entry): Promise<ProcessOutputs> {
    const { view } = entry;
    if (isWeb(view.spec) && view.port === null) view.port = await this.deps.ports.allocate();
    return [await SocketOutput.open()];
  }

  /** Spawns the process (in its own session and process group, see launch/spawner.ts). */
  private async launch(entry: Entry, outputs: ProcessOutputs): Promise<ChildLike> {
    const { view } = entry;
    const { spec } = view;
    entry.startError = null;
    entry.unhealthy = null;
    entry.launchedAt = performance.now();
    entry.log.say(`Starting process with command \`${spec.command}\``);
    const sandbox = spec.sandbox && this.deps.limits ? this.deps.limits.sandboxFor(view.id, spec.sandbox, spec.limits, entry.log) : spec.sandbox;
    const { file, args } = processArgv({ ...spec, ...(sandbox ? { sandbox } : {}) });
    return this.spawner.spawn({ file, args, cwd: processCwd(spec), env: spawnEnv(spec, view.port), outputs });
  }

  private watchRun(entry: Entry, child: ChildLike, outputs: ProcessOutputs): ProcessRun {
    const { view } = entry;
    const { spec } = view;
    const run = new ProcessRun(child, {
      onBlock: (bytes, count) => entry.log.block(bytes, count),
      onSpawnError: (error) => this.cannotStart(entry, `${errorText(error)} (cwd ${spec.cwd})`),
      onEnd: () => this.ended(entry, run),
      spareLeader: spec.sandbox !== undefined,
    }, outputs);
    entry.run = run;
    view.pid = run.pid;
    if (run.pid !== null) this.persist(entry, run.pid);
    const stillStarting = () => entry.run === run && run.alive && view.state === 'starting';
    run.upCheck = isWeb(spec)
      ? watchPort({
        port: view.port!, timeoutMs: this.bootTimeoutMs, stillStarting, healthcheck: spec.healthcheck,
        ownerPgid: run.pid ?? undefined,
        onForeignListener: () => entry.log.say(`PORT ${view.port} accepts connections, but not from this process: waiting for it to bind`),
        onWaiting: (elapsedMs) => entry.log.say(`${WAITING_TEXT} ${view.port} (${seconds(elapsedMs)} of ${seconds(this.bootTimeoutMs)}; a web process must listen on $PORT)`),
        onUp: () => this.markUp(entry),
        onUnhealthy: (reason) => {
          entry.unhealthy = reason;
          entry.log.say(`Health check failed: ${reason}`);
          entry.log.say('Stopping process with SIGKILL');
          run.kill();
        },
        onTimeout: () => {
          entry.log.say(`Error R10 (Boot timeout) -> Web process failed to bind to $PORT within ${seconds(this.bootTimeoutMs)} of launch`);
          entry.log.say('Stopping process with SIGKILL');
          run.kill();
        },
      })
      : watchSettle({ settleMs: this.settleMs, stillStarting, onUp: () => this.markUp(entry) });
    return run;
  }

  /** Written before anything relies on the process, so a twelve killed now can still find it at its next start. */
  private persist(entry: Entry, pid: number): void {
    const { view } = entry;
    try {
      recordProcess(this.deps.db, {
        id: view.id, appId: view.spec.appId, releaseVersion: view.spec.releaseVersion, type: view.spec.type,
        number: view.spec.number, pid, startTicks: readStartTicks(pid), port: view.port,
      });
    } catch (error) {
      this.deps.logger.error({ err: error, process: view.name }, 'could not record a started process');
    }
  }

  private cannotStart(entry: Entry, reason: string): void {
    entry.startError = reason;
    entry.log.say(`Error: could not start the process: ${reason}`);
  }

  private markUp(entry: Entry): void {
    entry.upAt = Date.now();
    const bootMs = performance.now() - entry.launchedAt;
    entry.view.bootMs = Math.round(bootMs);
    this.deps.onBoot?.(entry.view, bootMs / 1000);
    this.setState(entry, 'up');
    this.emitSafely('up', entry.view);
    entry.waiters.settle(null);
  }

  /** The run is over: its output is read and its process group is gone (or killed). */
  private ended(entry: Entry, run: ProcessRun): void {
    if (entry.run !== run) return;
    entry.run = null;
    const { view } = entry;
    this.deps.limits?.ended(view.id);
    view.pid = null;
    if (run.exit) {
      view.lastExit = run.exit;
      entry.log.say(`Process exited with status ${exitStatus(run.exit)}`);
    }
    if (entry.stopping) this.finish(entry);
    else this.crashed(entry);
  }

  private crashed(entry: Entry): void {
    const { view } = entry;
    const wasUp = view.state === 'up';
    if (wasUp && entry.upAt !== null && Date.now() - entry.upAt >= CRASH_COUNTER_RESET_MS) entry.crashes = 0;
    entry.crashes += 1;
    this.setState(entry, 'crashed');
    if (wasUp) this.emitSafely('down', view);
    this.emitSafely('crashed', view);
    entry.waiters.settle(exitedAtBoot(this.facts(entry)));
    const delay = restartDelayMs(entry.crashes);
    this.deps.logger.info({ app: view.spec.app, process: view.name, crashes: entry.crashes, delayMs: delay }, 'process crashed; restarting');
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = null;
      view.restarts += 1;
      this.boot(entry);
    }, delay);
  }

  private finish(entry: Entry): void {
    const { view } = entry;
    this.setState(entry, 'stopped');
    if (view.port !== null) this.deps.ports.release(view.port);
    try {
      forgetProcess(this.deps.db, view.id);
    } catch (error) {
      this.deps.logger.error({ err: error, process: view.name }, 'could not forget a stopped process');
    }
    this.entries.delete(view.id);
    entry.resolveStopped();
  }

  private setState(entry: Entry, state: ProcessState): void {
    const { view } = entry;
    if (view.state === state) return;
    entry.log.say(`State changed from ${view.state} to ${state}`);
    view.state = state;
    view.since = new Date().toISOString();
  }

  private facts(entry: Entry | undefined): BootFacts {
    const view = entry?.view;
    return {
      name: view?.name ?? '', port: view?.port ?? null, lastExit: view?.lastExit ?? null, startError: entry?.startError ?? null,
      settleMs: this.settleMs, lastLines: entry?.log.lastLines ?? [], unhealthy: entry?.unhealthy ?? null,
    };
  }

  private emitSafely(event: 'up' | 'down' | 'crashed', proc: SupervisedProcess): void {
    try {
      this.emit(event, proc);
    } catch (error) {
      this.deps.logger.error({ err: error, event, process: proc.name }, 'a supervisor listener threw');
    }
  }
}

