/**
 * `twelve factors [DIR]`: the twelve-factor scorecard of a codebase, read here without the platform;
 * `twelve factors -a APP` asks twelve for the report on the app's current release (and, with --measure, a
 * measured restart). Exits 1 when the score is under --fail-under.
 */
import { Option, type Command } from '../commander.js';
import type { Parity } from '../../config/parity.js';
import { parityFindings } from '../../factors/parity-findings.js';
import { withFindings, type FactorsReport } from '../../factors/report.js';
import { CliError } from '../cli-error.js';
import { action, appPath, createClient, print, printJson, withJsonOption } from '../context.js';
import { renderFactors } from '../factors-render.js';

interface FactorsOptions { app?: string; json?: boolean; failUnder?: string; measure?: boolean; against?: string }

function threshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new CliError('INVALID_ARGUMENT', `--fail-under takes a score from 0 to 100, not "${value}"`, 'e.g. --fail-under 80');
  return n;
}

async function report(dir: string | undefined, options: FactorsOptions, appFromEnv: boolean): Promise<FactorsReport> {
  // TWELVE_APP in the environment chooses the app only when no directory is named.
  if (options.app && !(dir && appFromEnv)) {
    if (dir) throw new CliError('INVALID_ARGUMENT', 'Pass a directory or -a APP, not both', 'twelve factors DIR reads a codebase; -a APP reports on a deployed app.');
    const client = createClient();
    const app = options.app;
    const base = options.measure
      ? await action(`Measuring a restart of ${app}'s web process`, options.json, () => client.request<FactorsReport>('POST', appPath(app, '/factors/measure'), {}))
      : await client.request<FactorsReport>('GET', appPath(app, '/factors'));
    if (!options.against) return base;
    const parity = await client.request<Parity>('GET', `/v1/parity?a=${encodeURIComponent(app)}&b=${encodeURIComponent(options.against)}`);
    return withFindings(base, new Map([[10, parityFindings(parity)]]));
  }
  if (options.against) throw new CliError('INVALID_ARGUMENT', '--against compares two deployed apps', 'Run `twelve factors -a APP --against OTHER`.');
  if (options.measure) throw new CliError('INVALID_ARGUMENT', '--measure needs a deployed app', 'Run `twelve factors -a APP --measure`.');
  // Loaded here: the analyzers (and typescript behind them) are for this command only.
  const { checkCodebase } = await import('../../factors/static-report.js');
  return checkCodebase(dir ?? '.');
}

export function registerFactorsCommand(program: Command): void {
  const command = program.command('factors').argument('[dir]', 'the codebase to read (default: .)')
    .description('score a codebase (or -a APP, a deployed app) against the twelve factors, with evidence and what to do')
    .addOption(new Option('-a, --app <app>', 'report on a deployed app instead of a directory').env('TWELVE_APP'))
    .option('--measure', 'with -a: restart a copy of a web process and measure its boot, stop and disk writes')
    .option('--against <app>', 'with -a: compare with another app for factor X (stack, runtimes, addons, commits, config keys)')
    .option('--fail-under <score>', 'exit 1 when the score (0-100) is below this');
  withJsonOption(command).action(async (dir: string | undefined, options: FactorsOptions) => {
    const limit = threshold(options.failUnder);
    const result = await report(dir, options, command.getOptionValueSource('app') === 'env');
    if (options.json) printJson(result);
    else print(renderFactors(result, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    if (limit !== undefined && result.score < limit) {
      process.stderr.write(` ▸    score ${result.score} is under ${limit}\n`);
      process.exitCode = 1;
    }
  });
}
