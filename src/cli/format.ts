/** Pure text formatting for the CLI's Heroku-style output: aligned columns, KEY: value lists, times. */

/**
 * Rows padded into columns two spaces apart, trailing spaces trimmed.
 * @example alignColumns([['v2', 'Deploy'], ['v10', 'Set A']]) // 'v2   Deploy\nv10  Set A'
 */
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/**
 * `KEY: value` lines with the values aligned, as `heroku config` prints them.
 * @example formatKeyValues([['A', '1'], ['LONG', '2']]) // 'A:    1\nLONG: 2'
 */
export function formatKeyValues(pairs: Array<[string, string]>): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length + 1));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`.trimEnd()).join('\n');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time as Heroku prints it: `2026/11/26 16:00:00`. */
export function formatDateTime(time: string | Date): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * How long ago, roughly, as `heroku ps` says it.
 * @example formatAgo('2026-11-26T16:00:00Z', new Date('2026-11-26T16:03:10Z')) // '~ 3m ago'
 */
export function formatAgo(time: string | Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(time).getTime()) / 1000));
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return `~ ${seconds}s ago`;
  if (seconds < 3600) return `~ ${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `~ ${Math.floor(seconds / 3600)}h ago`;
  return `~ ${Math.floor(seconds / 86400)}d ago`;
}
