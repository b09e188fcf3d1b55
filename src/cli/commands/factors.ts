/**
 * `twelve factors [DIR]`: the twelve-factor scorecard of a codebase, read here without the platform;
 * `twelve factors -a APP` asks twelve for the report on the app's current release (and, with --measure, a
 * measured restart). Exits 1 when the score is under --fail-under.
 */
import { Option, type Command } from 'commander';
import type { FactorsReport } from '../../factors/report.js';
import { CliError } from '../cli-error.js';
import { appPath, createClient, print, printJson, withJsonOption } from '../context.js';
import { renderFactors } from '../factors-render.js';

interface FactorsOptions { app?: string; json?: boolean; failUnder?: string; measure?: boolean }

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
    return options.measure
      ? client.request<FactorsReport>('POST', appPath(options.app, '/factors/measure'), {})
      : client.request<FactorsReport>('GET', appPath(options.app, '/factors'));
  }
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
