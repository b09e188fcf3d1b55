/**
 * The terminal form of a factors report: one line a factor (its verdict and the finding that decided it),
 * then what to do about each warning and failure, each linked to its section of docs/factors.md.
 */
import type { FactorResult, FactorsReport, Finding, Verdict } from '../factors/report.js';

const COLOURS: Record<Verdict, string> = { pass: '32', warn: '33', fail: '31', 'n/a': '2' };
const RANK: Record<Finding['verdict'], number> = { fail: 0, warn: 1, pass: 2 };

/** The options a render takes: colour only when stdout is a terminal (and NO_COLOR is unset). */
export interface RenderOptions { colour: boolean }

function paint(text: string, verdict: Verdict, options: RenderOptions): string {
  return options.colour ? `\x1b[${COLOURS[verdict]}m${text}\x1b[0m` : text;
}

export function place(finding: Pick<Finding, 'file' | 'line'>): string {
  if (!finding.file) return '';
  return finding.line ? `${finding.file}:${finding.line}` : finding.file;
}

function decisive(factor: FactorResult): Finding | undefined {
  return [...factor.findings].sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0];
}

function factorLine(factor: FactorResult, options: RenderOptions): string {
  const lead = decisive(factor);
  const others = factor.findings.filter((finding) => finding.verdict !== 'pass').length - (lead && lead.verdict !== 'pass' ? 1 : 0);
  const where = lead ? place(lead) : '';
  const text = lead ? `${lead.message}${where ? ` (${where})` : ''}${others > 0 ? ` (+${others} more)` : ''}` : 'nothing to check';
  return `${factor.roman.padEnd(5)}${factor.name.padEnd(20)}${paint(factor.verdict.padEnd(5), factor.verdict, options)} ${text}`;
}

/** The doc link of a finding: its check's section of docs/factors.md. */
export function findingDoc(finding: Pick<Finding, 'check'>): string {
  return `docs/factors.md#${finding.check}`;
}

function todo(factor: FactorResult, finding: Finding, options: RenderOptions): string {
  const where = place(finding);
  return [
    `${paint(finding.verdict, finding.verdict, options)} ${factor.roman} ${where ? `${where}: ` : ''}${finding.message}`,
    ...(finding.fix ? [`     ${finding.fix}`] : []),
    `     ${findingDoc(finding)}`,
  ].join('\n');
}

/** The figures of a measured run on one line. */
export function measuredLine(run: NonNullable<FactorsReport['measured']>): string {
  const parts = [
    run.bootMs === null ? `never up (${run.exitedAtBoot ?? 'no connection'})` : `up in ${run.bootMs} ms`,
    run.killed ? 'killed after ignoring SIGTERM' : run.stopMs === null ? 'not stopped' : `exited ${run.stopMs} ms after SIGTERM`,
    `request in flight: ${run.inFlight}`,
    ...(run.idleRssKb === null ? [] : [`${Math.round(run.idleRssKb / 1024)} MB at idle`]),
    `${run.written.length} file${run.written.length === 1 ? '' : 's'} written under /app`,
    `${run.stdoutBytes} B stdout, ${run.stderrBytes} B stderr`,
  ];
  return parts.join(', ');
}

/**
 * @example renderFactors(report, { colour: false })
 * // '=== twelve factors: examples/hello  score 83/100\nI    Codebase            pass ...'
 */
export function renderFactors(report: FactorsReport, options: RenderOptions): string {
  const lines = [`=== twelve factors: ${report.subject}  score ${report.score}/100`, ...report.factors.map((factor) => factorLine(factor, options))];
  const problems = report.factors.flatMap((factor) => factor.findings.filter((finding) => finding.verdict !== 'pass').map((finding) => ({ factor, finding })))
    .sort((a, b) => RANK[a.finding.verdict] - RANK[b.finding.verdict] || a.factor.number - b.factor.number);
  if (problems.length > 0) lines.push('', '=== What to do', ...problems.map(({ factor, finding }) => todo(factor, finding, options)));
  if (report.measured) lines.push('', `=== Measured run\n${measuredLine(report.measured)}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push('', `${report.stats.files} files, ${report.stats.parsed} parsed in ${report.stats.ms} ms`);
  return lines.join('\n');
}
