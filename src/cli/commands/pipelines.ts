/** `pipelines`, `pipelines:create|add|remove|destroy|promote|diff`: one build, promoted stage by stage. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Option, type Command } from '../commander.js';
import type { PipelineDiffView, PipelineInfoView, PipelineLeft, PipelineSummary, PromotionView, RunningBuildView } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, warn, withAppOptions, withJsonOption } from '../context.js';
import { alignColumns } from '../format.js';
import { renderPipeline, runningRow } from '../pipeline-render.js';

interface PipelineOptions extends CommonOptions { pipeline?: string; stage?: string; dir?: string }


const pipelinePath = (name: string, rest = '') => `/v1/pipelines/${encodeURIComponent(name)}${rest}`;

function requirePipeline(options: PipelineOptions): string {
  if (!options.pipeline) throw new CliError('MISSING_PIPELINE', 'Missing pipeline: pass -p NAME', '`twelve pipelines` lists the pipelines.');
  return options.pipeline;
}

const withPipelineOption = (command: Command) => command.option('-p, --pipeline <name>', 'the pipeline');

/** The commits in `from` that `to` lacks, from the git repository in `dir`; undefined when git cannot tell. */
async function commitsBetween(dir: string, to: string, from: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'log', '--oneline', '--no-decorate', `${to}..${from}`], { timeout: 10_000 });
    return stdout.split('\n').filter((line) => line !== '');
  } catch {
    return undefined;
  }
}

export function registerPipelinesCommands(program: Command): void {
  withJsonOption(withPipelineOption(program.command('pipelines').description('list pipelines, or with -p one pipeline\'s stages and what each app runs')))
    .action(async (options: PipelineOptions) => {
      const client = createClient();
      if (!options.pipeline) {
        const pipelines = await client.request<PipelineSummary[]>('GET', '/v1/pipelines');
        if (options.json) printJson(pipelines);
        else print(pipelines.length === 0 ? 'You have no pipelines. Create one with `twelve pipelines:create NAME`.'
          : `=== Pipelines\n${alignColumns(pipelines.map((p) => [p.name, `${p.apps} app${p.apps === 1 ? '' : 's'}`]))}`);
        return;
      }
      const info = await client.request<PipelineInfoView>('GET', pipelinePath(options.pipeline));
      if (options.json) printJson(info);
      else print(renderPipeline(info));
    });

  withJsonOption(program.command('pipelines:create').argument('<name>', 'the pipeline\'s name').description('create a pipeline'))
    .action(async (name: string, options: CommonOptions) => {
      const info = await createClient().request<PipelineInfoView>('POST', '/v1/pipelines', { name });
      if (options.json) printJson(info);
      else print(`Created pipeline ${info.name}. Add apps with \`twelve pipelines:add APP --stage staging -p ${info.name}\`.`);
    });

  withAppOptions(withPipelineOption(program.command('pipelines:add').argument('[app]', 'the app (or -a APP)')
    .addOption(new Option('-s, --stage <stage>', 'its stage').choices(['development', 'staging', 'production']).makeOptionMandatory())
    .description('add an app to a pipeline at a stage')))
    .action(async (appArg: string | undefined, options: PipelineOptions) => {
      const app = appArg ?? requireApp(options);
      const pipeline = requirePipeline(options);
      const info = await createClient().request<PipelineInfoView>('POST', pipelinePath(pipeline, '/apps'), { app, stage: options.stage });
      if (options.json) printJson(info);
      else print(`Added ${app} to ${pipeline} as ${options.stage}`);
    });

  withAppOptions(program.command('pipelines:remove').description('take an app out of its pipeline'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await createClient().request<PipelineLeft>('DELETE', appPath(app, '/pipeline'));
      if (options.json) printJson(answer);
      else print(`Removed ${app} from ${answer.pipeline}`);
    });

  withJsonOption(program.command('pipelines:destroy').argument('<name>', 'the pipeline').description('delete a pipeline (its apps stay)'))
    .action(async (name: string, options: CommonOptions) => {
      const answer = await createClient().request('DELETE', pipelinePath(name));
      if (options.json) printJson(answer);
      else print(`Destroyed pipeline ${name}`);
    });

  withAppOptions(program.command('pipelines:promote').description('release the build APP runs in every app of the next stage'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Promoting ${app} to the next stage`, options.json,
        () => createClient().request<PromotionView>('POST', appPath(app, '/pipeline/promote')),
        (made) => `${made.outcomes.some((outcome) => outcome.error) ? '!' : 'done'}, v${made.from.release.version}`);
      const failed = answer.outcomes.filter((outcome) => outcome.error !== null);
      if (options.json) printJson(answer);
      else {
        print(`Build ${answer.from.build.id} (checksum ${answer.from.build.checksum?.slice(0, 12) ?? '-'}) to ${answer.to}:`);
        for (const outcome of answer.outcomes) {
          if (outcome.release) print(`  ${outcome.app}: released v${outcome.release.version}`);
          else {
            print(`  ${outcome.app}: refused: ${outcome.error!.message}`);
            const lines = outcome.error!.details?.lastLines;
            if (Array.isArray(lines)) for (const line of lines) print(`      ${String(line)}`);
          }
        }
      }
      if (failed.length > 0) {
        const first = failed[0]!.error!;
        throw new CliError(first.code, `the promotion was refused by ${failed.map((outcome) => outcome.app).join(', ')}`, first.hint);
      }
    });

  withAppOptions(program.command('pipelines:diff')
    .option('--dir <dir>', 'a git clone of the app, to list the commits between the stages', '.')
    .description('compare the build APP runs with the next stage\'s'))
    .action(async (options: PipelineOptions) => {
      const app = requireApp(options);
      const diff = await createClient().request<PipelineDiffView>('GET', appPath(app, '/pipeline/diff'));
      if (options.json) {
        printJson(diff);
        return;
      }
      print(`=== ${app} (${diff.stage}) -> ${diff.to}`);
      print(alignColumns([runningRow(diff.from), ...diff.targets.map(runningRow)]));
      for (const target of diff.targets) {
        if (target.sameBuild) print(`${target.app} runs the same build.`);
        else if (target.buildId === null) print(`${target.app} has no release yet: promoting gives it build ${diff.from.buildId ?? '-'}.`);
        else if (!diff.from.sourceSha || !target.sourceSha) print(`${target.app} runs another build; without both commits the changes cannot be listed.`);
        else if (diff.from.sourceSha === target.sourceSha) print(`${target.app} runs another build of the same commit ${diff.from.sourceSha.slice(0, 7)}.`);
        else {
          const commits = await commitsBetween(options.dir ?? '.', target.sourceSha, diff.from.sourceSha);
          if (commits === undefined) {
            warn(`${target.app} is at ${target.sourceSha.slice(0, 7)}, ${app} at ${diff.from.sourceSha.slice(0, 7)}; run in a clone that has both (or pass --dir) to list the commits.`);
          } else {
            print(`${app} has ${commits.length} commit${commits.length === 1 ? '' : 's'} that ${target.app} lacks:`);
            for (const commit of commits) print(`  ${commit}`);
          }
        }
      }
    });
}
