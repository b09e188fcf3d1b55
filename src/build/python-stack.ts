/** The Python stack: a virtualenv inside the build (app/.venv), filled by pip from requirements.txt or pyproject.toml. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildContext, captureStep, runStep, stepPath, type StackResult } from './build-context.js';
import { indent, topic } from './output.js';

export const VENV_BIN = 'app/.venv/bin';

export async function buildPython(context: BuildContext): Promise<StackResult> {
  const install = await pipInstallArgs(context.appDir);
  // Seeding pip into a virtualenv takes seconds; an app with nothing to install does not need it.
  const venvArgs = install ? ['-m', 'venv', '.venv'] : ['-m', 'venv', '--without-pip', '.venv'];
  context.onOutput(topic(`Creating virtualenv (python3 ${venvArgs.join(' ')})`));
  await runStep(context, `python3 ${venvArgs.join(' ')}`, 'python3', venvArgs);
  context.path.push(VENV_BIN);
  const version = (await captureStep(context, 'python', ['-c', 'import platform; print(platform.python_version())'])).trim();
  context.onOutput(indent(`Using Python ${version}`));

  if (!install) {
    context.onOutput(topic('requirements.txt lists no packages: nothing to install'));
  } else {
    const step = `pip ${install.join(' ')}`;
    context.onOutput(topic(`Installing dependencies (${step})`));
    await runStep(context, step, 'pip', install, {
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PIP_CACHE_DIR: stepPath(context, join(context.paths.buildCache(context.app), 'pip')),
    });
  }
  return { runtimes: { python: version }, defaultProcessTypes: {} };
}

/** What pip is asked to install, or undefined when requirements.txt names nothing. */
async function pipInstallArgs(appDir: string): Promise<string[] | undefined> {
  const requirements = join(appDir, 'requirements.txt');
  if (!existsSync(requirements)) return ['install', '.'];
  return hasRequirements(await readFile(requirements, 'utf8')) ? ['install', '-r', 'requirements.txt'] : undefined;
}

/** Whether a requirements file names anything to install: comments and blank lines do not count. */
export function hasRequirements(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.replace(/(^|\s)#.*$/, '').trim() !== '');
}
