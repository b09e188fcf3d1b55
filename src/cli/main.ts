/**
 * The `twelve` command: builds the commander program from one module per verb family and runs it. The
 * only place in the CLI that decides the exit code; every command talks to twelve through the HTTP API.
 */
import { readFileSync } from 'node:fs';
import { Command } from './commander.js';
import { CliError, formatError } from './cli-error.js';

type Register = (program: Command) => void;

/**
 * One module per verb family, loaded on demand: `twelve ps` reads only what ps needs, which keeps its
 * start close to node's own. Help and mistyped verbs load them all.
 */
const FAMILIES: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  apps: async () => (await import('./commands/apps.js')).registerAppsCommands,
  deploy: async () => (await import('./commands/deploy.js')).registerDeployCommand,
  releases: async () => (await import('./commands/releases.js')).registerReleasesCommands,
  config: async () => (await import('./commands/config.js')).registerConfigCommands,
  addons: async () => (await import('./commands/addons.js')).registerAddonsCommands,
  parity: async () => (await import('./commands/parity.js')).registerParityCommand,
  secrets: async () => (await import('./commands/secrets.js')).registerSecretsCommands,
  ps: async () => (await import('./commands/ps.js')).registerPsCommands,
  logs: async () => (await import('./commands/logs.js')).registerLogsCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommands,
  pipelines: async () => (await import('./commands/pipelines.js')).registerPipelinesCommands,
  builds: async () => (await import('./commands/builds.js')).registerBuildsCommands,
  drains: async () => (await import('./commands/drains.js')).registerDrainsCommands,
  domains: async () => (await import('./commands/domains.js')).registerDomainsCommands,
  certs: async () => (await import('./commands/certs.js')).registerCertsCommands,
  export: async () => (await import('./commands/export.js')).registerExportCommands,
  features: async () => (await import('./commands/features.js')).registerFeaturesCommands,
  metrics: async () => (await import('./commands/metrics.js')).registerMetricsCommand,
  git: async () => (await import('./commands/git.js')).registerGitCommands,
  status: async () => (await import('./commands/status.js')).registerStatusCommand,
  factors: async () => (await import('./commands/factors.js')).registerFactorsCommand,
  completion: async () => (await import('./commands/completion.js')).registerCompletionCommand,
};

/** Heroku's short forms and verbs without a family prefix, by the family that declares them. */
const SHORT_FORMS: Record<string, string> = {
  rollback: 'releases', create: 'apps', info: 'apps', destroy: 'apps', open: 'apps', scale: 'ps', restart: 'ps',
};

/** The family a verb belongs to: `apps:create` -> apps, `rollback` -> releases. */
function familyOf(verb: string | undefined): string | undefined {
  const family = verb !== undefined && Object.hasOwn(SHORT_FORMS, verb) ? SHORT_FORMS[verb] : verb?.split(':')[0];
  return family !== undefined && Object.hasOwn(FAMILIES, family) ? family : undefined;
}

/** A verb no command answers to, refused in twelve's own format with the nearest commands. */
function refuseUnknown(program: Command, verb: string): void {
  const names = ['help', ...program.commands.flatMap((command) => [command.name(), ...command.aliases()])];
  if (names.includes(verb)) return;
  const near = names.filter((name) => name.startsWith(verb.split(':')[0]!) || verb.startsWith(name)).slice(0, 5);
  throw new CliError('UNKNOWN_COMMAND', `${verb} is not a twelve command`,
    near.length > 0 ? `Did you mean ${near.map((name) => `\`twelve ${name}\``).join(', ')}? \`twelve --help\` lists them all.` : 'Run `twelve --help` for the commands.');
}

function packageVersion(): string {
  try {
    const file = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The program with the commands of `verb`'s family, none for the version, else every command. */
async function buildProgram(verb?: string): Promise<Command> {
  const program = new Command('twelve')
    .description('Build, release and run twelve-factor apps on this machine.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run `twelve --help` for the commands)');
  const family = familyOf(verb);
  // Completion describes every command, so it needs them all; the version needs none.
  const families = family && family !== 'completion' ? [family] : verb === '-v' || verb === '--version' ? [] : Object.keys(FAMILIES);
  for (const register of await Promise.all(families.map((name) => FAMILIES[name]!()))) register(program);
  return program;
}

async function run(argv: string[] = process.argv): Promise<void> {
  // `twelve logs | head` closes stdout early: that is the reader being done, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  try {
    const program = await buildProgram(argv[2]);
    const verb = argv[2];
    if (verb === undefined) {
      // `twelve` alone is asking what there is: the help, and success.
      program.outputHelp();
      return;
    }
    if (!verb.startsWith('-')) refuseUnknown(program, verb);
    await program.parseAsync(argv);
  } catch (error) {
    process.stderr.write(formatError(error));
    if (process.env.TWELVE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}

await run();
