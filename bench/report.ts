/** How a benchmark's numbers are shown: twelve, the baseline measured beside it, their ratio, the goal. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Measurement {
  part: string;
  metric: string;
  unit: string;
  twelve: number;
  /** What twelve is compared with, measured in the same run (null when the goal is an absolute number). */
  baseline: { name: string; value: number } | null;
  /** twelve / baseline. */
  ratio: number | null;
  goal: string;
  /** Whether the goal is met; null when there is no goal to check (reported for information). */
  met: boolean | null;
  /** Every run behind a median, for results.json. */
  samples?: { twelve: number[]; baseline: number[] };
}

export function withSamples(measurement: Measurement, twelve: number[], baseline: number[]): Measurement {
  const round = (values: number[]) => values.map((v) => Math.round(v * 10) / 10);
  return { ...measurement, samples: { twelve: round(twelve), baseline: round(baseline) } };
}

export interface Skipped { part: string; reason: string }

/** A measurement whose goal is "twelve / baseline at most `maxRatio`". */
export function againstBaseline(part: string, metric: string, unit: string, twelve: number, baseline: { name: string; value: number }, maxRatio: number | null): Measurement {
  const ratio = baseline.value > 0 ? twelve / baseline.value : null;
  return {
    part, metric, unit, twelve, baseline, ratio,
    goal: maxRatio === null ? 'report only' : `<= ${maxRatio}x`,
    met: maxRatio === null || ratio === null ? null : ratio <= maxRatio,
  };
}

/** A measurement whose goal is a least ratio to its baseline, `twelve / baseline >= minRatio` (throughput). */
export function atLeastBaseline(part: string, metric: string, unit: string, twelve: number, baseline: { name: string; value: number }, minRatio: number): Measurement {
  const ratio = baseline.value > 0 ? twelve / baseline.value : null;
  return { part, metric, unit, twelve, baseline, ratio, goal: `>= ${minRatio}x`, met: ratio === null ? null : ratio >= minRatio };
}

/** A measurement whose goal is an absolute bound, `twelve <= limit`; the baseline is shown for scale. */
export function againstLimit(part: string, metric: string, unit: string, twelve: number, baseline: { name: string; value: number } | null, limit: number): Measurement {
  return {
    part, metric, unit, twelve, baseline,
    ratio: baseline && baseline.value > 0 ? twelve / baseline.value : null,
    goal: `<= ${limit} ${unit}`,
    met: twelve <= limit,
  };
}

function fixed(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

function verdict(met: boolean | null): string {
  return met === null ? '-' : met ? 'ok' : 'MISSED';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function renderMeasurements(measurements: Measurement[], withPart = false): string {
  const head = ['metric', 'twelve', 'baseline', 'ratio', 'goal', 'verdict'];
  const rows = measurements.map((m) => [
    withPart ? `${m.part}: ${m.metric}` : m.metric,
    `${fixed(m.twelve)} ${m.unit}`,
    m.baseline ? `${fixed(m.baseline.value)} ${m.unit} (${m.baseline.name})` : '-',
    m.ratio === null ? '-' : `${m.ratio.toFixed(2)}x`,
    m.goal,
    verdict(m.met),
  ]);
  return table([head, ...rows]);
}

export function printPart(part: string, measurements: Measurement[]): void {
  console.log(`\n== ${part}`);
  console.log(renderMeasurements(measurements));
}

export function printSummary(measurements: Measurement[], skipped: Skipped[], failed: Skipped[], resultsFile: string): void {
  console.log('\n== summary');
  if (measurements.length > 0) console.log(renderMeasurements(measurements, true));
  for (const s of skipped) console.log(`skipped ${s.part}: ${s.reason}`);
  for (const f of failed) console.log(`FAILED ${f.part}: ${f.reason}`);
  const checked = measurements.filter((m) => m.met !== null);
  console.log(`goals met: ${checked.filter((m) => m.met).length}/${checked.length}; results written to ${resultsFile}`);
}

export function writeResults(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
