/** Pure parsers for the CLI's positional arguments: KEY=VALUE, TYPE=N (or TYPE+N, TYPE-N), v3. */
import { CliError } from './cli-error.js';

/**
 * `config:set` arguments into the PATCH body. The value is everything after the first '=', so it may
 * contain '=' itself; `KEY=` sets the empty string.
 * @example parseConfigAssignments(['A=1', 'URL=x?a=b', 'EMPTY=']) // { A: '1', URL: 'x?a=b', EMPTY: '' }
 */
export function parseConfigAssignments(args: string[]): Record<string, string> {
  if (args.length === 0) {
    throw new CliError('INVALID_ARGUMENT', 'No config vars given', 'Pass them as KEY=VALUE: `twelve config:set GREETING=hello -a APP`.');
  }
  const vars: Record<string, string> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals <= 0) {
      throw new CliError('INVALID_ARGUMENT', `${arg} is not KEY=VALUE`, 'Pass each config var as KEY=VALUE, e.g. GREETING=hello.');
    }
    vars[arg.slice(0, equals)] = arg.slice(equals + 1);
  }
  return vars;
}

export interface ScaleChange {
  type: string;
  /** `set` for TYPE=N; `add` for TYPE+N and TYPE-N (quantity is then negative for '-'). */
  kind: 'set' | 'add';
  quantity: number;
}

/**
 * `ps:scale` arguments. TYPE=N sets the count; TYPE+N and TYPE-N change it, as Heroku's do.
 * @example parseScaleArgs(['web=3', 'worker+1']) // [{ type: 'web', kind: 'set', quantity: 3 }, { type: 'worker', kind: 'add', quantity: 1 }]
 */
export function parseScaleArgs(args: string[]): ScaleChange[] {
  if (args.length === 0) {
    throw new CliError('INVALID_ARGUMENT', 'No process types given', 'Scale with TYPE=N, e.g. `twelve ps:scale web=2 -a APP`.');
  }
  return args.map((arg) => {
    const match = /^([A-Za-z0-9_-]+?)([=+-])(\d+)$/.exec(arg);
    if (!match) {
      throw new CliError('INVALID_ARGUMENT', `${arg} is not TYPE=N`, 'Scale with TYPE=N (or TYPE+N, TYPE-N), e.g. web=2.');
    }
    const [, type, sign, digits] = match;
    const quantity = Number(digits);
    if (sign === '=') return { type: type!, kind: 'set', quantity };
    return { type: type!, kind: 'add', quantity: sign === '-' ? -quantity : quantity };
  });
}

/** The formation to send: relative changes are applied to `current` and never go below zero. */
export function applyScaleChanges(changes: ScaleChange[], current: Record<string, number> = {}): Record<string, number> {
  const next: Record<string, number> = {};
  for (const change of changes) {
    const base = next[change.type] ?? current[change.type] ?? 0;
    next[change.type] = change.kind === 'set' ? change.quantity : Math.max(0, base + change.quantity);
  }
  return next;
}

/**
 * A release named `v3` or `3`.
 * @example parseReleaseVersion('v3') // 3
 */
export function parseReleaseVersion(arg: string): number {
  const match = /^v?(\d+)$/i.exec(arg.trim());
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CliError('INVALID_ARGUMENT', `${arg} is not a release`, 'Name a release as v3 or 3; `twelve releases -a APP` lists them.');
  }
  return version;
}
