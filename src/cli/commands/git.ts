/** `git:remote` adds a git remote that deploys on push, `git:clone` clones an app's repository; `git:credential` is the helper git asks for the token. */
import { spawnSync } from 'node:child_process';
import { Option, type Command } from '../commander.js';
import { clientOptionsFromEnv } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';
import { appRemoteUrl, credentialAnswer, credentialHelper, gitCloneArgs, gitRemoteCommands } from '../git-config.js';

/** Runs git to completion; with `show`, its output goes to the terminal (a clone's progress). */
function git(args: string[], show = false): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { encoding: 'utf8', stdio: show ? ['ignore', 'inherit', 'inherit'] : 'pipe' });
  if (result.error) throw new CliError('GIT_NOT_FOUND', `git could not run: ${result.error.message}`, 'Install git (apt-get install -y git).');
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

export function registerGitCommands(program: Command): void {
  withAppOptions(program.command('git:remote')
    .addOption(new Option('-r, --remote <name>', 'the name of the git remote').default('twelve'))
    .description('add a git remote to the repository here: `git push twelve main` then deploys the app'))
    .action(async (options: CommonOptions & { remote: string }) => {
      const app = requireApp(options);
      await createClient().request('GET', appPath(app));
      if (git(['rev-parse', '--git-dir']).status !== 0) {
        throw new CliError('NOT_A_GIT_REPOSITORY', 'this directory is not in a git repository', 'Run `git init` first, or run this in the app\'s repository.');
      }
      const url = appRemoteUrl(clientOptionsFromEnv().baseUrl, app);
      const exists = git(['remote', 'get-url', options.remote]).status === 0;
      const helper = credentialHelper(process.execPath, process.argv[1]!);
      for (const args of gitRemoteCommands({ remote: options.remote, url, exists, helper })) {
        const result = git(args);
        // --unset-all exits 5 when there was nothing to unset.
        if (result.status !== 0 && !(args[2] === '--unset-all' && result.status === 5)) {
          throw new CliError('GIT_FAILED', `git ${args.join(' ')} failed: ${result.stderr.trim()}`);
        }
      }
      if (options.json) return printJson({ remote: options.remote, url, app });
      print(`set git remote ${options.remote} to ${url}\n\`git push ${options.remote} main\` deploys ${app}`);
    });

  withAppOptions(program.command('git:clone')
    .argument('[dir]', 'where to clone (default: the app\'s name)')
    .addOption(new Option('-r, --remote <name>', 'the name of the git remote').default('twelve'))
    .description('clone the app\'s repository (what was last pushed), with the remote and credentials git:remote sets'))
    .action(async (dir: string | undefined, options: CommonOptions & { remote: string }) => {
      const app = requireApp(options);
      await createClient().request('GET', appPath(app));
      const url = appRemoteUrl(clientOptionsFromEnv().baseUrl, app);
      const target = dir ?? app;
      const result = git(gitCloneArgs({ remote: options.remote, url, dir: target, helper: credentialHelper(process.execPath, process.argv[1]!) }), !options.json);
      if (result.status !== 0) throw new CliError('GIT_FAILED', `git clone ${url} failed`, result.stderr.trim() || 'git\'s own message is above.');
      if (options.json) return printJson({ remote: options.remote, url, app, dir: target });
      print(`cloned ${app} into ${target}; \`git push ${options.remote} main\` deploys it`);
    });

  withJsonOption(program.command('git:credential')
    .argument('[operation]', 'what git asks: get (store and erase do nothing)', 'get')
    .description('git\'s credential helper for twelve remotes (set up by git:remote): answers with the API token'))
    .action(async (operation: string, options: { json?: boolean }) => {
      await readStdin();
      if (operation !== 'get') return;
      const { token } = clientOptionsFromEnv();
      // No token: answer nothing, and git asks the next helper or the user.
      if (!token) return;
      if (options.json) return printJson({ username: 'twelve', password: token });
      process.stdout.write(credentialAnswer(token));
    });
}
