/**
 * A process's size, enforced: its cgroups are made before it starts (the sandbox joins them), its memory
 * is checked every few seconds and, as on Heroku, R14 is said in the app's log while it is over its
 * quota, R15 when the kernel killed it for going past twice the quota. Without cgroups, nothing here acts.
 */
import type { SandboxSpec } from '../sandbox/sandbox-argv.js';
import type { ProcessCgroups } from '../sandbox/cgroups.js';
import type { ProcessLog } from './process-log.js';

const CHECK_MS = 5000;
/** Heroku repeats R14 while the dyno stays over quota; once every 20 s keeps the stream readable. */
const R14_EVERY_MS = 20_000;

interface Watched {
  log: ProcessLog;
  quotaBytes: number;
  lastR14: number;
}

export class ProcessLimits {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly cgroups: ProcessCgroups) {}

  /** The sandbox of one run of process `id`, in cgroups made now with its limits. */
  sandboxFor(id: string, sandbox: SandboxSpec, limits: { memoryMb: number; maxTasks: number } | undefined, log: ProcessLog): SandboxSpec {
    if (!limits || !this.cgroups.available) return sandbox;
    const cgroupProcs = this.cgroups.create(id, limits);
    this.watched.set(id, { log, quotaBytes: limits.memoryMb * 1024 * 1024, lastR14: 0 });
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), CHECK_MS);
      this.timer.unref();
    }
    return { ...sandbox, cgroupProcs };
  }

  /** The run is over: R15 if the kernel killed it for memory, and its cgroups go. */
  ended(id: string): void {
    const watched = this.watched.get(id);
    if (!watched) return;
    this.watched.delete(id);
    if (this.cgroups.oomKilled(id)) {
      watched.log.say(`Error R15 (Memory quota vastly exceeded) -> the process used more than ${mb(2 * watched.quotaBytes)}, twice its quota, and was killed`);
    }
    this.cgroups.remove(id);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private check(): void {
    const now = Date.now();
    for (const [id, watched] of this.watched) {
      const used = this.cgroups.memoryBytes(id);
      if (used === null || used <= watched.quotaBytes || now - watched.lastR14 < R14_EVERY_MS) continue;
      watched.lastR14 = now;
      watched.log.say(`Process running mem=${mb(used)}(${((100 * used) / watched.quotaBytes).toFixed(1)}%)`);
      watched.log.say('Error R14 (Memory quota exceeded)');
    }
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))}M`;
}
