/** The supervisor's record of one process across all its restarts: its live view and what is in flight for it. */
import type { ProcessLog } from './process-log.js';
import type { ProcessRun } from './process-run.js';
import type { SupervisedProcess } from './process-spec.js';
import type { UpWaiters } from './up-waiters.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Entry {
  view: Mutable<SupervisedProcess>;
  run: ProcessRun | null;
  crashes: number;
  upAt: number | null;
  /** performance.now() when the current run was spawned (its boot time is measured from it). */
  launchedAt: number;
  /** Why the last attempt could not even start (no free port, missing cwd), if so. */
  startError: string | null;
  /** Why the last health check failed, until the next attempt starts. */
  unhealthy: string | null;
  allocating: boolean;
  stopping: Promise<void> | null;
  resolveStopped: () => void;
  restartTimer: NodeJS.Timeout | null;
  log: ProcessLog;
  waiters: UpWaiters;
}
