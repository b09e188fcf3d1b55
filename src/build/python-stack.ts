/**
 * The Python stack, as Heroku's Python buildpack: the interpreter runtime.txt or .python-version asks
 * for, a virtualenv inside the build (app/.venv) filled by pip from requirements.txt or a lock file,
 * cached by its inputs, then Django's collectstatic.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorText, TwelveError } from '../errors.js';
import { type BuildContext, captureStep, commandEnv, runStep, stepPath, type StackResult } from './build-context.js';
import { cacheKey, hasCached, restoreCached, saveToCache } from './dependency-cache.js';
import { indent, topic, warning } from './output.js';
import { type LockFile, requirementsFromPipfileLock, requirementsFromPoetryLock, requirementsFromUvLock } from './python-locks.js';
import { candidatePaths, chooseInterpreter, findInterpreters, type Interpreter, pyenvRoots, readPythonRequest } from './python-version.js';
import { makeRelocatable } from './python-venv.js';

export const VENV_BIN = 'app/.venv/bin';
/** Where requirements derived from a lock file are written, inside the app so a build step at /app reads it. */
const DERIVED_REQUIREMENTS = '.heroku/python/requirements.txt';

const LOCK_READERS: ReadonlyArray<[LockFile, (text: string) => string[]]> = [
  ['Pipfile.lock', requirementsFromPipfileLock],
  ['poetry.lock', requirementsFromPoetryLock],
  ['uv.lock', requirementsFromUvLock],
];

/** What pip installs: a requirements file (the app's or one derived from its lock) or the project itself. */
interface InstallPlan {
  source: string;
  args: string[] | undefined;
  /** What decides the install's result, for the cache key; undefined when it is not cacheable (the app's own code). */
  inputs: string | undefined;
}

export async function buildPython(context: BuildContext): Promise<StackResult> {
  const python = await chooseInterpreterFor(context);
  const plan = await installPlan(context);
  const key = plan.inputs === undefined ? undefined : cacheKey(['venv', python.path, python.version, process.arch, plan.source, plan.inputs]);
  const venv = join(context.appDir, '.venv');
  if (key && hasCached(context.paths, context.app, 'python', key)) {
    context.onOutput(topic('Restoring cached virtualenv'));
    context.onOutput(indent(`Python ${python.version} and ${plan.source} are unchanged: pip install skipped`));
    await rm(venv, { recursive: true, force: true });
    await restoreCached(context.paths, context.app, 'python', key, venv, true);
    context.path.push(VENV_BIN);
  } else {
    await createVenv(context, python, plan);
    if (key) {
      await saveToCache(context.paths, context.app, 'python', key, venv).catch((error: unknown) => {
        context.onOutput(warning(`could not cache the virtualenv: ${errorText(error)}`));
      });
    }
  }
  await collectStatic(context, python);
  return { runtimes: { python: python.version }, defaultProcessTypes: {} };
}

/** The interpreter the app asks for, or, when it asks for none, the `python3` first on the build's PATH. */
async function chooseInterpreterFor(context: BuildContext): Promise<Interpreter> {
  const request = await readPythonRequest(context.appDir);
  const env = commandEnv(context);
  if (request === undefined) {
    const [path, version] = (await captureStep(context, 'python3', ['-c', 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'])).trim().split('\n') as [string, string];
    context.onOutput(topic(`Using Python ${version}`));
    context.onOutput(indent('No .python-version or runtime.txt: using python3 from the PATH'));
    return { path, version };
  }
  const found = await findInterpreters(candidatePaths(context.pythonPaths ?? [], env.PATH ?? '', pyenvRoots(env)));
  const python = chooseInterpreter(request, found);
  context.onOutput(topic(`Using Python ${request.version} specified in ${request.file}`));
  context.onOutput(indent(`Python ${python.version} (${python.path})`));
  // The steps (and later the processes, through the venv's pyvenv.cfg) read the interpreter's prefix.
  const prefix = dirname(dirname(realpathSync(python.path)));
  if (prefix !== '/usr' && !prefix.startsWith('/usr/')) context.readOnly.push(prefix);
  return python;
}

async function installPlan(context: BuildContext): Promise<InstallPlan> {
  const { appDir } = context;
  const present = (file: string): boolean => existsSync(join(appDir, file));
  const others = ['Pipfile', 'Pipfile.lock', 'poetry.lock', 'uv.lock'].filter(present);
  if (present('requirements.txt')) {
    if (others.length > 0) context.onOutput(indent(`requirements.txt is installed; ${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} not read`));
    const text = await readFile(join(appDir, 'requirements.txt'), 'utf8');
    return { source: 'requirements.txt', args: hasRequirements(text) ? ['install', '-r', 'requirements.txt'] : undefined, inputs: await requirementsInputs(appDir, text) };
  }
  if (present('Pipfile') && !present('Pipfile.lock')) {
    throw new TwelveError('BUILD_FAILED', 'the codebase has a Pipfile but no Pipfile.lock: run `pipenv lock` and commit Pipfile.lock (twelve installs the versions it pins, as Heroku does)', { step: 'read Pipfile', exitCode: null });
  }
  for (const [file, read] of LOCK_READERS) {
    if (!present(file)) continue;
    const requirements = read(await readFile(join(appDir, file), 'utf8'));
    await mkdir(join(appDir, '.heroku', 'python'), { recursive: true });
    await writeFile(join(appDir, DERIVED_REQUIREMENTS), `# From ${file}, read by twelve (docs/deploy.md#python)\n${requirements.join('\n')}\n`);
    context.onOutput(indent(`${file}: ${requirements.length} pinned package(s), read from the lock file itself`));
    return { source: file, args: requirements.length > 0 ? ['install', '--no-deps', '-r', DERIVED_REQUIREMENTS] : undefined, inputs: requirements.join('\n') };
  }
  // pyproject.toml or setup.py alone: the project installs itself, so its own code is an input and nothing is cached.
  return { source: present('pyproject.toml') ? 'pyproject.toml' : 'setup.py', args: ['install', '.'], inputs: undefined };
}

/**
 * What a requirements.txt install depends on: its text and the files it includes (-r, -c). A line
 * that installs local code (-e, a path) makes the install depend on the app itself: not cacheable.
 */
async function requirementsInputs(appDir: string, text: string): Promise<string | undefined> {
  const parts = [text];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (/^(-e|--editable)\b|^(\.|\/|file:)/.test(line)) return undefined;
    const include = /^(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)$/.exec(line)?.[1];
    if (include) parts.push(await readFile(join(appDir, include), 'utf8').catch(() => ''));
  }
  return parts.join('\0');
}

async function createVenv(context: BuildContext, python: Interpreter, plan: InstallPlan): Promise<void> {
  // Seeding pip into a virtualenv takes seconds; an app with nothing to install does not need it.
  const venvArgs = plan.args ? ['-m', 'venv', '.venv'] : ['-m', 'venv', '--without-pip', '.venv'];
  context.onOutput(topic(`Creating virtualenv (python ${venvArgs.join(' ')})`));
  await runStep(context, `python ${venvArgs.join(' ')}`, python.path, venvArgs);
  context.path.push(VENV_BIN);
  if (!plan.args) {
    context.onOutput(topic(`${plan.source} lists no packages: nothing to install`));
    return;
  }
  const step = `pip ${plan.args.join(' ')}`;
  context.onOutput(topic(`Installing dependencies (${step})`));
  await runStep(context, step, 'pip', plan.args, {
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_CACHE_DIR: stepPath(context, join(context.paths.buildCache(context.app), 'pip')),
  });
  await makeRelocatable(join(context.appDir, '.venv'), stepPath(context, join(context.appDir, '.venv')));
}

/** Django apps get `manage.py collectstatic`, as on Heroku, unless DISABLE_COLLECTSTATIC is set. */
async function collectStatic(context: BuildContext, python: Interpreter): Promise<void> {
  const minor = python.version.split('.').slice(0, 2).join('.');
  const django = join(context.appDir, '.venv', 'lib', `python${minor}`, 'site-packages', 'django');
  if (!existsSync(join(context.appDir, 'manage.py')) || !existsSync(django)) return;
  const disabled = commandEnv(context).DISABLE_COLLECTSTATIC;
  if (disabled !== undefined && disabled !== '' && disabled !== '0') {
    context.onOutput(topic(`Skipping Django collectstatic: DISABLE_COLLECTSTATIC=${disabled}`));
    return;
  }
  context.onOutput(topic('$ python manage.py collectstatic --noinput'));
  await runStep(context, 'python manage.py collectstatic --noinput', 'python', ['manage.py', 'collectstatic', '--noinput']);
}

/** Whether a requirements file names anything to install: comments and blank lines do not count. */
export function hasRequirements(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.replace(/(^|\s)#.*$/, '').trim() !== '');
}
