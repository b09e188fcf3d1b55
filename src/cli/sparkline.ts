/** Small terminal charts: a series of timed points drawn as one line of block characters. */

const BLOCKS = '▁▂▃▄▅▆▇█';

export interface TimedValue { at: number; value: number | null }

/**
 * The points in [fromMs, toMs) as `width` columns: each the mean of the points in its slice of time,
 * scaled from 0 (or the lowest value, when `fromZero` is false) to the highest; a blank where no point is.
 * @example sparkline([{ at: 0, value: 0 }, { at: 10, value: 5 }, { at: 20, value: 10 }], 0, 30, 3) // '▁▅█'
 */
export function sparkline(points: readonly TimedValue[], fromMs: number, toMs: number, width: number, fromZero = true): string {
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  const span = toMs - fromMs;
  for (const point of points) {
    if (point.value === null || point.at < fromMs || point.at >= toMs) continue;
    const column = Math.min(width - 1, Math.floor(((point.at - fromMs) / span) * width));
    sums[column]! += point.value;
    counts[column]! += 1;
  }
  const means = sums.map((sum, i) => (counts[i] === 0 ? null : sum / counts[i]!));
  const present = means.filter((mean): mean is number => mean !== null);
  if (present.length === 0) return ' '.repeat(width);
  const low = fromZero ? Math.min(0, ...present) : Math.min(...present);
  const high = Math.max(...present);
  return means.map((mean) => {
    if (mean === null) return ' ';
    if (high === low) return BLOCKS[high === 0 ? 0 : BLOCKS.length - 1];
    return BLOCKS[Math.round(((mean - low) / (high - low)) * (BLOCKS.length - 1))];
  }).join('');
}
