/**
 * A histogram with fixed bucket bounds in plain arrays: observing is a short scan and two additions, no
 * allocation, so the router can count every request. prom-client sees it only at scrape time.
 */

/** Seconds; Prometheus's default buckets, stretched to the router's 30 s request timeout. */
export const LATENCY_BUCKETS_S: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class FixedHistogram {
  /** counts[i]: observations <= bounds[i] and > bounds[i - 1]; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS_S) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i += 1;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }

  /** Cumulative counts per bound, as Prometheus's `le` buckets want them (the last is +Inf). */
  cumulative(): number[] {
    const out: number[] = [];
    let total = 0;
    for (const count of this.counts) out.push((total += count));
    return out;
  }

  /** The q-quantile estimated as Prometheus's histogram_quantile does (linear within a bucket); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * this.count;
    let below = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      const inBucket = this.counts[i]!;
      if (below + inBucket >= rank && inBucket > 0) {
        if (i === this.bounds.length) return this.bounds[this.bounds.length - 1]!;
        const low = i === 0 ? 0 : this.bounds[i - 1]!;
        return low + (this.bounds[i]! - low) * ((rank - below) / inBucket);
      }
      below += inBucket;
    }
    return this.bounds[this.bounds.length - 1]!;
  }
}
