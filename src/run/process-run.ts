/**
 * One run of a supervised process, from spawn to its end: reads its output line by line, and ends only
 * when the leader has exited, its output is drained and nothing else of its process group is left.
 */
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineSplitter, type OnBlock } from './line-splitter.js';
import type { ProcessOutput } from '../launch/process-output.js';
import type { ChildLike } from '../launch/spawner.js';
import { groupIsRunning, signalGroup, signalGroupButLeader } from '../launch/proc-stat.js';
import type { UpCheck } from './up-check.js';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** Heroku's "status": the exit code, or 128 + the signal number for a killed process (137 for SIGKILL). */
export function exitStatus(exit: ExitInfo): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined;
  return number === undefined ? 1 : 128 + number;
}

/** How long output pipes may stay open after the leader exited before they are cut (see onExit). */
const PIPE_GRACE_MS = 1000;
const GROUP_POLL_MS = 20;

export interface ProcessRunHooks {
  /** The complete lines of one chunk of output, in order: `count` lines joined by `\n`. */
  onBlock: OnBlock;
  onSpawnError: (error: Error) => void;
  /** Called once, when the run is over. */
  onEnd: () => void;
  /** SIGTERM spares the group's leader (a sandbox's monitor, which then ends with the app's status). */
  spareLeader?: boolean;
}

export class ProcessRun {
  readonly pid: number | null;
  /** Whether the leader has not exited yet. */
  alive: boolean;
  exit: ExitInfo | null = null;
  upCheck: UpCheck | null = null;
  private terminating = false;
  private killDeadline = 0;
  private killTimer: NodeJS.Timeout | null = null;
  private ended = false;
  /** Output streams not at their end yet, and whether the child itself is closed (exited or never spawned). */
  private openOutputs: number;
  private childClosed = false;

  /** `outputs` are the child's stdout and stderr, read until every holder of them has closed them. */
  constructor(child: ChildLike, private readonly hooks: ProcessRunHooks, private readonly outputs: readonly ProcessOutput[]) {
    this.pid = child.pid ?? null;
    this.alive = this.pid !== null;
    this.openOutputs = outputs.length;
    for (const output of outputs) {
      const lines = new LineSplitter(hooks.onBlock);
      // Always read: a chatty process never blocks on a full pipe.
      output.read((chunk) => lines.write(chunk), () => {
        lines.end();
        this.openOutputs -= 1;
        this.endWhenDone();
      });
    }
    child.on('error', (error) => {
      if (this.pid === null) hooks.onSpawnError(error);
    });
    child.once('exit', (code, signal) => this.onExit(code, signal));
    child.once('close', () => {
      this.childClosed = true;
      this.endWhenDone();
    });
  }

  /** SIGTERM to the whole group now, SIGKILL to what is left of it after `timeoutMs` (then `onTimeout`). */
  terminate(timeoutMs: number, onTimeout: () => void): void {
    if (this.terminating) return;
    this.terminating = true;
    this.upCheck?.cancel();
    this.killDeadline = Date.now() + timeoutMs;
    if (this.pid === null) return;
    const pid = this.pid;
    if (this.hooks.spareLeader) signalGroupButLeader(pid, 'SIGTERM');
    else signalGroup(pid, 'SIGTERM');
    this.killTimer = setTimeout(() => {
      this.killTimer = null;
      if (!groupIsRunning(pid)) return;
      onTimeout();
      signalGroup(pid, 'SIGKILL');
    }, timeoutMs);
  }

  /** SIGKILL to the whole group (a web that never bound its PORT). */
  kill(): void {
    if (this.pid !== null) signalGroup(this.pid, 'SIGKILL');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    this.exit = { code, signal };
    this.upCheck?.cancel();
    // Like a dyno, a process ends with its main process: what it left behind in its group goes too.
    // The pid cannot have been reused: the kernel keeps it while the group it names has members.
    if (!this.terminating && this.pid !== null) signalGroup(this.pid, 'SIGKILL');
    // 'close' waits for every holder of the output pipes; a descendant that left the group could hold
    // them forever, so they are cut after a grace period.
    const grace = (this.terminating ? Math.max(0, this.killDeadline - Date.now()) : 0) + PIPE_GRACE_MS;
    setTimeout(() => {
      for (const output of this.outputs) output.destroy();
    }, grace).unref();
  }

  private endWhenDone(): void {
    // end() only awaits a poll of /proc, and the supervisor's onEnd catches its own errors.
    if (this.childClosed && this.openOutputs === 0) void this.end();
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // When stopping, what is left of the group still gets its time until the deadline (then SIGKILL).
    if (this.terminating && this.pid !== null) {
      while (groupIsRunning(this.pid) && Date.now() < this.killDeadline + PIPE_GRACE_MS) await sleep(GROUP_POLL_MS);
    }
    if (this.killTimer) clearTimeout(this.killTimer);
    this.upCheck?.cancel();
    this.hooks.onEnd();
  }
}
