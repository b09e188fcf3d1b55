/** The `twelve drains` table: one row per drain with its state, lag and counts. */
import type { DrainView } from '../api/types.js';

function lag(ms: number): string {
  return ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 60_000)}m`;
}

/**
 * @example formatDrains([{ url: 'syslog+tcp://logs:514', state: 'up', buffered: 0, lagMs: 0, sent: 12, dropped: 0, ... }])
 */
export function formatDrains(drains: DrainView[]): string {
  const rows = [['url', 'state', 'waiting', 'lag', 'sent', 'dropped', 'last error']];
  for (const d of drains) rows.push([d.url, d.state, String(d.buffered), lag(d.lagMs), String(d.sent), String(d.dropped), d.lastError ?? '']);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
