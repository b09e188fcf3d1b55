/** The app processes' metrics (`twelve_process_*`), from the sampler's latest readings and the supervisor's crash events. */
import type { Registry } from 'prom-client';
import type { SupervisedProcess } from '../run/process-spec.js';
import type { ProcessSample, ProcessSampler } from './process-sampler.js';
import { registerRaw, type Labels, type RawValue } from './raw-metric.js';

const STATES = ['starting', 'up', 'crashed', 'stopping'] as const;

/** Crashes and restarts per app and dyno, kept across releases (a new release's web.1 goes on counting). */
export class ProcessTotals {
  readonly crashes = new Map<string, { labels: Labels; count: number }>();
  readonly restarts = new Map<string, { labels: Labels; count: number }>();
  /** Restarts last seen per supervised process id. */
  private readonly seenRestarts = new Map<string, number>();

  crashed(proc: SupervisedProcess): void {
    bump(this.crashes, labelsOf(proc.spec.app, proc.spec.type, proc.name), 1);
  }

  /** Counts the restarts the samples show since the last round. */
  sampled(samples: readonly ProcessSample[]): void {
    const live = new Set<string>();
    for (const sample of samples) {
      live.add(sample.id);
      const before = this.seenRestarts.get(sample.id) ?? 0;
      if (sample.restarts > before) bump(this.restarts, labelsOf(sample.app, sample.type, sample.dyno), sample.restarts - before);
      this.seenRestarts.set(sample.id, sample.restarts);
    }
    for (const id of this.seenRestarts.keys()) if (!live.has(id)) this.seenRestarts.delete(id);
  }

  forget(app: string): void {
    for (const map of [this.crashes, this.restarts]) for (const [key, entry] of map) if (entry.labels.app === app) map.delete(key);
  }
}

function bump(map: Map<string, { labels: Labels; count: number }>, labels: Labels, by: number): void {
  const key = `${labels.app}\0${labels.dyno}`;
  const entry = map.get(key);
  if (entry) entry.count += by;
  else map.set(key, { labels, count: by });
}

export function labelsOf(app: string, type: string, dyno: string): Labels {
  return { app, type, dyno };
}

function fromUsage(sampler: ProcessSampler, pick: (sample: ProcessSample) => number | null): () => RawValue[] {
  return () => {
    const values: RawValue[] = [];
    for (const sample of sampler.samples()) {
      const value = pick(sample);
      if (value !== null) values.push({ labels: labelsOf(sample.app, sample.type, sample.dyno), value });
    }
    return values;
  };
}

export function registerProcessMetrics(registry: Registry, sampler: ProcessSampler, totals: ProcessTotals): void {
  const gauge = (name: string, help: string, pick: (sample: ProcessSample) => number | null) =>
    registerRaw(registry, { name, help, type: 'gauge', collect: fromUsage(sampler, pick) });
  registerRaw(registry, {
    name: 'twelve_process_cpu_seconds_total', help: 'CPU time (user and system) of the process and its descendants, in seconds.',
    type: 'counter', collect: fromUsage(sampler, (s) => s.usage?.cpuSeconds ?? null),
  });
  gauge('twelve_process_resident_memory_bytes', 'Resident memory (RSS) of the process and its descendants, in bytes.', (s) => s.usage?.rssBytes ?? null);
  gauge('twelve_process_proportional_memory_bytes', 'Proportional memory (PSS, shared pages divided among their sharers) of the process and its descendants, in bytes.', (s) => s.usage?.pssBytes ?? null);
  gauge('twelve_process_memory_quota_bytes', 'Memory the process\'s size allows (ps:resize), in bytes.', (s) => s.memoryQuotaBytes);
  gauge('twelve_process_swap_bytes', 'Swapped-out memory of the process and its descendants, in bytes.', (s) => s.usage?.swapBytes ?? null);
  gauge('twelve_process_open_fds', 'Open file descriptors of the process and its descendants.', (s) => s.usage?.openFds ?? null);
  gauge('twelve_process_start_time_seconds', 'When the running process started, in seconds since the Unix epoch (uptime: time() minus this).', (s) => s.startTimeSeconds);
  gauge('twelve_process_sampled_at_seconds', 'When the process was last sampled from /proc, in seconds since the Unix epoch.', (s) => s.at / 1000);
  registerRaw(registry, {
    name: 'twelve_process_state', help: 'The process\'s state: 1 for the state it is in, 0 for the others.', type: 'gauge',
    collect: () => sampler.samples().flatMap((s) => STATES.map((state) => ({ labels: { ...labelsOf(s.app, s.type, s.dyno), state }, value: s.state === state ? 1 : 0 }))),
  });
  registerRaw(registry, {
    name: 'twelve_process_crashes_total', help: 'Exits of the process that nobody asked for.', type: 'counter',
    collect: () => [...totals.crashes.values()].map(({ labels, count }) => ({ labels, value: count })),
  });
  registerRaw(registry, {
    name: 'twelve_process_restarts_total', help: 'Restarts of the process by the supervisor after a crash.', type: 'counter',
    collect: () => [...totals.restarts.values()].map(({ labels, count }) => ({ labels, value: count })),
  });
  registerRaw(registry, {
    name: 'twelve_sampler_cpu_seconds_total', help: 'CPU time twelve spent reading its processes\' figures from /proc, in seconds.', type: 'counter',
    collect: () => [{ labels: {}, value: sampler.costSeconds }],
  });
  registerRaw(registry, {
    name: 'twelve_sampler_rounds_total', help: 'Rounds of sampling every process from /proc.', type: 'counter',
    collect: () => [{ labels: {}, value: sampler.rounds }],
  });
}
