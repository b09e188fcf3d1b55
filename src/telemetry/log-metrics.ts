/** The log stream's metrics (`twelve_log_*`, `twelve_drain_*`): lines and bytes per process, losses, drains. */
import type { Registry } from 'prom-client';
import type { DrainInfo } from '../logs/drains/drain-manager.js';
import type { LogCounters } from '../logs/log-counters.js';
import { registerRaw, typeOf, type RawValue } from './raw-metric.js';

const DRAIN_STATES = ['connecting', 'up', 'stalled', 'retrying'] as const;

export interface LogView {
  counters: LogCounters;
  storedBytes(app: string): number;
  apps(): string[];
  drains(): DrainInfo[];
}

function perStream(view: LogView, pick: (counts: { lines: number; bytes: number }) => number): () => RawValue[] {
  return () => [...view.counters.apps].flatMap(([app, processes]) =>
    [...processes].map(([dyno, counts]) => ({ labels: { app, type: typeOf(dyno), dyno }, value: pick(counts) })));
}

export function registerLogMetrics(registry: Registry, view: LogView): void {
  registerRaw(registry, { name: 'twelve_log_lines_total', help: 'Lines put in the app\'s log stream, per process (router and twelve\'s own lines included).', type: 'counter', collect: perStream(view, (c) => c.lines) });
  registerRaw(registry, { name: 'twelve_log_bytes_total', help: 'Bytes of the lines put in the app\'s log stream, per process.', type: 'counter', collect: perStream(view, (c) => c.bytes) });
  registerRaw(registry, {
    name: 'twelve_log_unwritten_lines_total', help: 'Lines the log store could not write to disk (reported as L13).', type: 'counter',
    collect: () => [...view.counters.unwritten].map(([app, count]) => ({ labels: { app }, value: count })),
  });
  registerRaw(registry, {
    name: 'twelve_log_stored_bytes', help: 'Bytes of the app\'s log on disk.', type: 'gauge',
    collect: () => view.apps().map((app) => ({ labels: { app }, value: view.storedBytes(app) })),
  });
  const perDrain = (pick: (drain: DrainInfo) => number) => () => view.drains().map((drain) => ({ labels: { app: drain.app, drain: drain.id }, value: pick(drain) }));
  registerRaw(registry, { name: 'twelve_drain_backlog_messages', help: 'Messages waiting to be sent to the drain.', type: 'gauge', collect: perDrain((d) => d.buffered) });
  registerRaw(registry, { name: 'twelve_drain_lag_seconds', help: 'Age of the oldest message waiting for the drain, in seconds.', type: 'gauge', collect: perDrain((d) => d.lagMs / 1000) });
  registerRaw(registry, { name: 'twelve_drain_sent_messages_total', help: 'Messages the drain delivered.', type: 'counter', collect: perDrain((d) => d.sent) });
  registerRaw(registry, { name: 'twelve_drain_dropped_messages_total', help: 'Messages the drain dropped: its buffer overflowed (L10) or the receiver refused them for good.', type: 'counter', collect: perDrain((d) => d.dropped) });
  registerRaw(registry, {
    name: 'twelve_drain_state', help: 'The drain\'s state: 1 for the state it is in, 0 for the others.', type: 'gauge',
    collect: () => view.drains().flatMap((drain) => DRAIN_STATES.map((state) => ({ labels: { app: drain.app, drain: drain.id, state }, value: drain.state === state ? 1 : 0 }))),
  });
}
