/** The report `twelve factors` prints: the twelve factors, a verdict each with its findings, and a score. */
import type { MeasuredRun } from './measure-run.js';

/** What twelve's supervisor knows of one of the app's processes. */
export interface ProcessRecord {
  name: string;
  state: string;
  bootMs: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null } | null;
}

export type Verdict = 'pass' | 'warn' | 'fail' | 'n/a';

/** One thing a check saw: what, where (a file and line, or a figure), and what to do about it. */
export interface Finding {
  verdict: Exclude<Verdict, 'n/a'>;
  /** The check's id, also its anchor in docs/factors.md (`config-in-code`). */
  check: string;
  message: string;
  file?: string;
  line?: number;
  /** What to do; absent on a pass. */
  fix?: string;
}

export interface FactorResult {
  number: number;
  roman: string;
  name: string;
  verdict: Verdict;
  findings: Finding[];
  /** docs/factors.md#anchor of the factor. */
  doc: string;
}

export interface FactorsReport {
  /** What was checked: a directory, or an app's current release. */
  subject: string;
  /** 0-100: a pass counts 1, a warning half, a failure 0; factors that do not apply are left out. */
  score: number;
  factors: FactorResult[];
  /**
   * Files seen; source files read into facts (without error); of those, the JS/TS files whose tokens showed
   * that the parser would find nothing a check reads but imports (docs/factors.md#how-the-code-is-read).
   */
  stats: { files: number; parsed: number; scanned?: number; ms: number };
  /** What kept part of the code from being read (an unparsable file, no python3). */
  notes: string[];
  /** With -a APP: what twelve's supervisor knows of the app's processes. */
  records?: ProcessRecord[];
  /** With -a APP --measure: the figures of the measured run. */
  measured?: Omit<MeasuredRun, 'outputTail'>;
}

export const FACTORS = [
  { number: 1, roman: 'I', name: 'Codebase', anchor: 'i-codebase' },
  { number: 2, roman: 'II', name: 'Dependencies', anchor: 'ii-dependencies' },
  { number: 3, roman: 'III', name: 'Config', anchor: 'iii-config' },
  { number: 4, roman: 'IV', name: 'Backing services', anchor: 'iv-backing-services' },
  { number: 5, roman: 'V', name: 'Build, release, run', anchor: 'v-build-release-run' },
  { number: 6, roman: 'VI', name: 'Processes', anchor: 'vi-processes' },
  { number: 7, roman: 'VII', name: 'Port binding', anchor: 'vii-port-binding' },
  { number: 8, roman: 'VIII', name: 'Concurrency', anchor: 'viii-concurrency' },
  { number: 9, roman: 'IX', name: 'Disposability', anchor: 'ix-disposability' },
  { number: 10, roman: 'X', name: 'Dev/prod parity', anchor: 'x-devprod-parity' },
  { number: 11, roman: 'XI', name: 'Logs', anchor: 'xi-logs' },
  { number: 12, roman: 'XII', name: 'Admin processes', anchor: 'xii-admin-processes' },
] as const;

export const DOCS_PAGE = 'docs/factors.md';

const RANK: Record<Verdict, number> = { 'n/a': 0, pass: 1, warn: 2, fail: 3 };

/** The worst verdict among the findings; `n/a` when no check applied. */
export function factorVerdict(findings: Finding[]): Verdict {
  return findings.reduce<Verdict>((worst, finding) => (RANK[finding.verdict] > RANK[worst] ? finding.verdict : worst), 'n/a');
}

export function scoreOf(factors: Array<Pick<FactorResult, 'verdict'>>): number {
  const counted = factors.filter((factor) => factor.verdict !== 'n/a');
  if (counted.length === 0) return 0;
  const points = counted.reduce((sum, factor) => sum + (factor.verdict === 'pass' ? 1 : factor.verdict === 'warn' ? 0.5 : 0), 0);
  return Math.round((100 * points) / counted.length);
}

/** Puts findings (from the checks, keyed by factor number) into the twelve factors and scores them. */
export function assembleReport(subject: string, byFactor: Map<number, Finding[]>, stats: FactorsReport['stats'], notes: string[] = []): FactorsReport {
  const factors = FACTORS.map((factor) => {
    const findings = byFactor.get(factor.number) ?? [];
    return {
      number: factor.number, roman: factor.roman, name: factor.name, verdict: factorVerdict(findings), findings,
      doc: `${DOCS_PAGE}#${factor.anchor}`,
    };
  });
  return { subject, score: scoreOf(factors), factors, stats, notes };
}

/** The report with more findings (from twelve's records or a measured run) in their factors, rescored. */
export function withFindings(report: FactorsReport, byFactor: Map<number, Finding[]>): FactorsReport {
  const factors = report.factors.map((factor) => {
    const findings = [...factor.findings, ...(byFactor.get(factor.number) ?? [])];
    return { ...factor, findings, verdict: factorVerdict(findings) };
  });
  return { ...report, factors, score: scoreOf(factors) };
}
