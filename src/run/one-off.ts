/**
 * One-off processes: `twelve run` and the release phase. Each runs once in a release's build with that
 * release's config, in its own process group, and is never restarted (the supervisor is for long-running
 * processes). It is recorded in the processes table like any other, so a twelve that was killed stops
 * it at its next start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import { errorText } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Db } from '../store/database.js';
import { forgetProcess, recordProcess } from '../store/processes.js';
import { seconds } from './boot-failure.js';
import { readStartTicks } from '../launch/proc-stat.js';
import { ProcessLog } from './process-log.js';
import { streamOutput } from '../launch/process-output.js';
import { type ExitInfo, exitStatus, ProcessRun } from './process-run.js';
import { processCwd, shellArgv } from './process-spec.js';
import type { SandboxSpec } from '../sandbox/sandbox-argv.js';
import type { ProcessLimits } from './process-limits.js';

export interface OneOffSpec {
  app: string;
  appId: number;
  releaseVersion: number;
  /** `run` for `twelve run`, `release` for the release phase. */
  type: 'run' | 'release';
  number: number;
  /** The command as shown (`ps`, logs). */
  command: string;
  /** What `/bin/sh -c` runs (src/run/shell-words.ts). */
  script: string;
  buildId: string;
  cwd: string;
  /** The release's environment (processEnv); DYNO is added here. */
  env: Record<string, string>;
  /** Whether the caller feeds standard input (attached `run`); otherwise it reads /dev/null. */
  stdin: boolean;
  /** As for a process of the formation (process-spec.ts). */
  profile?: boolean;
  sandbox?: SandboxSpec;
  limits?: { memoryMb: number; maxTasks: number };
}

export interface OneOffHooks {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Each output line, stdout and stderr alike, as it is also published to the log stream. */
  onLine?: (line: string) => void;
}

export interface OneOffDeps {
  db: Db;
  logs: LogBus;
  logger: pino.Logger;
  /** Between SIGTERM and SIGKILL when stopping. */
  stopTimeoutMs: number;
  /** Enforces the one-off's size, as the supervisor does its processes'. */
  limits?: ProcessLimits | null;
}

export type OneOffState = 'starting' | 'up' | 'stopping';

export class OneOff {
  readonly id = randomUUID();
  readonly name: string;
  state: OneOffState = 'starting';
  pid: number | null = null;
  since = new Date().toISOString();
  exit: ExitInfo | null = null;
  /** Resolves once the process has exited, its output is read and its process group is gone. */
  readonly done: Promise<ExitInfo>;
  readonly log: ProcessLog;
  private resolveDone!: (exit: ExitInfo) => void;
  private run: ProcessRun | null = null;
  private child: ChildProcess | null = null;
  private finished = false;

  private readonly hooks: OneOffHooks;

  constructor(readonly spec: OneOffSpec, private readonly deps: OneOffDeps, hooks: OneOffHooks = {}) {
    this.hooks = { ...hooks };
    this.name = `${spec.type}.${spec.number}`;
    this.log = new ProcessLog(deps.logs, deps.logger, spec.app, this.name);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  /** Spawns the process; a process that cannot start ends at once with status 127, like a shell's. */
  start(): void {
    if (this.child || this.finished) return;
    const { spec } = this;
    this.log.say(`Starting process with command \`${spec.command}\``);
    let child: ChildProcess;
    try {
      const sandbox = spec.sandbox && this.deps.limits ? this.deps.limits.sandboxFor(this.id, spec.sandbox, spec.limits, this.log) : spec.sandbox;
      const { file, args } = shellArgv(spec.script, { ...spec, ...(sandbox ? { sandbox } : {}) });
      child = spawn(file, args, {
        cwd: processCwd(spec), env: { ...spec.env, DYNO: this.name }, detached: true,
        stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.cannotStart(error);
      return;
    }
    this.child = child;
    child.stdin?.on('error', () => {}); // the process may close its input early: not our error
    if (this.hooks.onStdout) child.stdout?.on('data', this.hooks.onStdout);
    if (this.hooks.onStderr) child.stderr?.on('data', this.hooks.onStderr);
    const run = new ProcessRun(child, {
      onBlock: (bytes, count) => {
        this.log.block(bytes, count);
        if (this.hooks.onLine) for (const line of bytes.toString('utf8', 0, bytes.length - 1).split('\n')) this.hooks.onLine(line);
      },
      onSpawnError: (error) => this.cannotStart(error),
      onEnd: () => this.ended(run),
      spareLeader: spec.sandbox !== undefined,
    }, [streamOutput(child.stdout), streamOutput(child.stderr)]);
    this.run = run;
    this.pid = run.pid;
    if (run.pid === null) return;
    this.setState('up');
    try {
      recordProcess(this.deps.db, {
        id: this.id, appId: spec.appId, releaseVersion: spec.releaseVersion, type: spec.type, number: spec.number,
        pid: run.pid, startTicks: readStartTicks(run.pid), port: null,
      });
    } catch (error) {
      this.deps.logger.error({ err: error, process: this.name }, 'could not record a one-off process');
    }
  }

  /** Connects the caller's output handlers, then starts the process (an attached run). */
  attach(hooks: OneOffHooks): void {
    Object.assign(this.hooks, hooks);
    this.start();
  }

  /** Standard input from the caller (attached runs only). */
  write(chunk: Buffer): void {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(chunk);
  }

  endInput(): void {
    this.child?.stdin?.end();
  }

  /**
   * Stops reading the process's output while the caller cannot take more: its pipes fill and the process
   * waits, instead of twelve buffering what a slow terminal has not shown yet.
   */
  pauseOutput(): void {
    this.child?.stdout?.pause();
    this.child?.stderr?.pause();
  }

  resumeOutput(): void {
    this.child?.stdout?.resume();
    this.child?.stderr?.resume();
  }

  /** SIGTERM to the whole group, SIGKILL after the stop timeout; resolves when it is gone. */
  stop(): Promise<ExitInfo> {
    if (!this.run) {
      this.finish({ code: null, signal: 'SIGTERM' });
      return this.done;
    }
    if (this.state !== 'stopping') {
      this.setState('stopping');
      if (this.run.alive) this.log.say('Stopping all processes with SIGTERM');
      this.run.terminate(this.deps.stopTimeoutMs, () => {
        this.log.say(`Error R12 (Exit timeout) -> At least one process failed to exit within ${seconds(this.deps.stopTimeoutMs)} of SIGTERM`);
        this.log.say('Stopping remaining processes with SIGKILL');
      });
    }
    return this.done;
  }

  /** SIGKILL to the whole group now (a second Ctrl-C). */
  kill(): void {
    this.run?.kill();
  }

  private cannotStart(error: unknown): void {
    this.log.say(`Error: could not start the process: ${errorText(error)} (cwd ${this.spec.cwd})`);
    this.finish({ code: 127, signal: null });
  }

  private ended(run: ProcessRun): void {
    if (run.exit) this.log.say(`Process exited with status ${exitStatus(run.exit)}`);
    this.finish(run.exit ?? { code: 127, signal: null });
  }

  private finish(exit: ExitInfo): void {
    if (this.finished) return;
    this.finished = true;
    this.deps.limits?.ended(this.id);
    this.exit = exit;
    this.pid = null;
    try {
      forgetProcess(this.deps.db, this.id);
    } catch (error) {
      this.deps.logger.error({ err: error, process: this.name }, 'could not forget a one-off process');
    }
    this.resolveDone(exit);
  }

  private setState(state: OneOffState): void {
    if (this.state === state) return;
    this.log.say(`State changed from ${this.state} to ${state}`);
    this.state = state;
    this.since = new Date().toISOString();
  }
}
