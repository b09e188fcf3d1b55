/**
 * One sampler for every supervised process: every few seconds it reads each one's /proc figures
 * (proc-usage.ts) and keeps the latest, with CPU use over the interval and Heroku-style load averages.
 * /metrics, the runtime-metrics log lines and the history store all read these samples, so /proc is
 * read once per interval whoever asks. What sampling costs twelve is measured and exposed too.
 */
import type { SupervisedProcess } from '../run/process-spec.js';
import type { ProcessState } from '../run/process-spec.js';
import { readProcUsage, readUptimeSeconds, type ProcUsage } from './proc-usage.js';

export const SAMPLE_INTERVAL_MS = 5_000;

export interface ProcessSample {
  id: string;
  app: string;
  type: string;
  dyno: string;
  release: number;
  state: ProcessState;
  pid: number | null;
  /** Restarts of this process after crashes (the supervisor's count). */
  restarts: number;
  /** The memory its size allows (ps:resize), in bytes; null when it has no size. */
  memoryQuotaBytes: number | null;
  /** The /proc figures, or null while no process runs (crashed, starting). */
  usage: ProcUsage | null;
  /** Unix seconds when the running process started. */
  startTimeSeconds: number | null;
  /** Cores used over the last interval (1 = one core busy). */
  cpuCores: number;
  /** Exponentially damped averages of cpuCores over 1, 5 and 15 minutes, as a load average is. */
  load: [number, number, number];
  /** Unix ms of the reading. */
  at: number;
}

const LOAD_WINDOWS_S = [60, 300, 900] as const;

export class ProcessSampler {
  private readonly latest = new Map<string, ProcessSample>();
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(samples: ProcessSample[]) => void> = [];
  /** CPU seconds twelve spent sampling, and the samples taken. */
  costSeconds = 0;
  rounds = 0;

  /** `onError`: a listener failed (it costs that listener this round, never the sampler or twelve). */
  constructor(private readonly processes: () => readonly SupervisedProcess[], private readonly onError: (error: unknown) => void,
    readonly intervalMs = SAMPLE_INTERVAL_MS) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Called after every round with all its samples. */
  onSample(listener: (samples: ProcessSample[]) => void): void {
    this.listeners.push(listener);
  }

  /** The latest sample of every process that still exists. */
  samples(): ProcessSample[] {
    return [...this.latest.values()];
  }

  /** Reads every process now (also what the timer does). */
  sample(): ProcessSample[] {
    const cpuBefore = process.cpuUsage();
    const now = Date.now();
    const uptime = readUptimeSeconds();
    const seen = new Set<string>();
    for (const proc of this.processes()) {
      if (proc.state === 'stopped') continue;
      seen.add(proc.id);
      this.latest.set(proc.id, this.read(proc, this.latest.get(proc.id), now, uptime));
    }
    for (const id of this.latest.keys()) if (!seen.has(id)) this.latest.delete(id);
    const cpu = process.cpuUsage(cpuBefore);
    this.costSeconds += (cpu.user + cpu.system) / 1e6;
    this.rounds += 1;
    const samples = this.samples();
    for (const listener of this.listeners) {
      try {
        listener(samples);
      } catch (error) {
        this.onError(error);
      }
    }
    return samples;
  }

  private read(proc: SupervisedProcess, previous: ProcessSample | undefined, now: number, uptime: number): ProcessSample {
    const usage = proc.pid === null ? null : readProcUsage(proc.pid);
    const samePid = previous !== undefined && previous.pid === proc.pid && previous.usage !== null;
    const elapsedS = samePid ? (now - previous.at) / 1000 : 0;
    const cpuCores = usage && samePid && elapsedS > 0 ? Math.max(0, (usage.cpuSeconds - previous.usage!.cpuSeconds) / elapsedS) : 0;
    const load = (previous?.load ?? [0, 0, 0]).map((value, i) => {
      if (elapsedS <= 0) return previous === undefined ? cpuCores : value;
      const decay = Math.exp(-elapsedS / LOAD_WINDOWS_S[i]!);
      return value * decay + cpuCores * (1 - decay);
    }) as [number, number, number];
    return {
      id: proc.id, app: proc.spec.app, type: proc.spec.type, dyno: proc.name, release: proc.spec.releaseVersion, state: proc.state,
      pid: proc.pid, restarts: proc.restarts, usage, memoryQuotaBytes: proc.spec.limits ? proc.spec.limits.memoryMb * 1024 * 1024 : null,
      startTimeSeconds: usage ? now / 1000 - (uptime - usage.startedAfterBootSeconds) : null,
      cpuCores, load, at: now,
    };
  }
}
