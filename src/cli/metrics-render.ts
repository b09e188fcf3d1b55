/** `twelve metrics`'s screen: the processes' figures now, the router's, and the range as sparklines. */
import type { MetricsView, SeriesPoint } from '../telemetry/metrics-view.js';
import { alignColumns, formatDateTime } from './format.js';
import { formatSize } from './pipeline-render.js';
import { sparkline } from './sparkline.js';

const WIDTH = 60;

function percent(cores: number | null): string {
  return cores === null ? '-' : `${(cores * 100).toFixed(1)}%`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

function ms(seconds: number | null): string {
  return seconds === null ? '-' : `${Math.round(seconds * 1000)} ms`;
}

function last(points: readonly SeriesPoint[]): number | null {
  for (let i = points.length - 1; i >= 0; i -= 1) if (points[i]!.value !== null) return points[i]!.value;
  return null;
}

export function renderMetrics(view: MetricsView, now: number = Date.now()): string {
  const out: string[] = [`=== ${view.app} metrics${view.sampledAt ? ` (sampled ${formatDateTime(view.sampledAt)})` : ''}`];
  if (view.processes.length === 0) out.push('no processes running');
  else {
    out.push(alignColumns([
      ['dyno', 'state', 'memory', 'pss', 'cpu', 'load', 'fds', 'uptime', 'restarts'],
      ...view.processes.map((p) => [p.dyno, p.state, formatSize(p.rssBytes), formatSize(p.pssBytes), percent(p.cpuCores),
        p.load1m === null ? '-' : p.load1m.toFixed(2), p.openFds === null ? '-' : String(p.openFds), duration(p.uptimeSeconds), String(p.restarts)]),
    ]));
  }
  const { router } = view;
  out.push('', `router: ${router.requests} requests since twelve started, ${router.errors} answered 5xx, p99 ${ms(router.p99Seconds)}`);
  const rangeMs = view.range === 'hour' ? 3_600_000 : 86_400_000;
  const from = now - rangeMs;
  out.push('', `last ${view.range} (${view.stepSeconds} s steps; oldest left, now right)`);
  const rows: string[][] = [
    ['requests/s', sparkline(view.requestsPerSecond, from, now, WIDTH), (last(view.requestsPerSecond) ?? 0).toFixed(1)],
    ['5xx/s', sparkline(view.errorsPerSecond, from, now, WIDTH), (last(view.errorsPerSecond) ?? 0).toFixed(1)],
    ['p99', sparkline(view.p99Seconds, from, now, WIDTH), ms(last(view.p99Seconds))],
  ];
  for (const dyno of Object.keys(view.memory)) {
    rows.push([`${dyno} memory`, sparkline(view.memory[dyno]!, from, now, WIDTH, false), formatSize(last(view.memory[dyno]!))]);
    rows.push([`${dyno} cpu`, sparkline(view.cpu[dyno] ?? [], from, now, WIDTH), percent(last(view.cpu[dyno] ?? []))]);
  }
  out.push(alignColumns(rows.map(([name, line, value]) => [name!, `|${line}|`, value!])));
  return out.join('\n');
}
