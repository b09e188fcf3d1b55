import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPathEntries } from '../../src/build/build-app.js';
import { TwelveError } from '../../src/errors.js';
import type { BuildManifest } from '../../src/store/builds.js';
import { type BuildRun, pipMirror, runBuild as runAnyBuild, sourceOf, tempData, writeApp } from './helpers.js';
import type { Paths } from '../../src/paths.js';

/** Builds with the machine's package mirror, and the app's config when given. */
function runBuild(paths: Paths, app: string, source: NodeJS.ReadableStream, buildId: string, config: Record<string, string> = {}): Promise<BuildRun> {
  return runAnyBuild(paths, app, source, buildId, { operatorEnv: pipMirror(), config });
}

/** A Django project whose static files go through ManifestStaticFilesStorage: {% static %} fails without collectstatic. */
const DJANGO = {
  'requirements.txt': 'django\n',
  'manage.py': [
    'import os, sys',
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_settings')",
    'from django.core.management import execute_from_command_line',
    'execute_from_command_line(sys.argv)', '',
  ].join('\n'),
  'site_settings.py': [
    'from pathlib import Path',
    'BASE_DIR = Path(__file__).resolve().parent',
    "SECRET_KEY = 'test'", 'DEBUG = False', "ALLOWED_HOSTS = ['*']",
    "INSTALLED_APPS = ['django.contrib.staticfiles']",
    "STATIC_URL = '/static/'", "STATIC_ROOT = BASE_DIR / 'staticfiles'", "STATICFILES_DIRS = [BASE_DIR / 'static']",
    "STORAGES = {'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}", '',
  ].join('\n'),
  'static/app.css': 'body { color: teal; }\n',
  Procfile: 'web: gunicorn site_settings\n',
};

function inBuild(buildDir: string, manifest: BuildManifest, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const PATH = [...buildPathEntries(buildDir, manifest), process.env.PATH].join(':');
  const result = spawnSync('python', args, { cwd: join(buildDir, 'app'), env: { ...process.env, PATH, ...env }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

function failure(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TwelveError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

/** The 3.12 tests need pyenv's 3.12 on the machine (as this one has, with 3.9 to 3.13): say so rather than fail without it. */
const PYENV_312 = (() => {
  try {
    return readdirSync('/root/.pyenv/versions').some((version) => version.startsWith('3.12.')) ? false : 'needs a Python 3.12 under /root/.pyenv/versions';
  } catch {
    return 'needs pyenv (/root/.pyenv/versions) with a Python 3.12';
  }
})();

describe('Python builds (Heroku\'s conventions)', () => {
  const data = tempData();
  after(() => {
    data.cleanup();
  });

  it('builds a Django app on the 3.12 .python-version asks for (from pyenv) and runs collectstatic for its manifest storage', { skip: PYENV_312 }, async () => {
    const app = writeApp(data.dir, 'django', { ...DJANGO, '.python-version': '3.12\n' });
    const { manifest, lines } = await runBuild(data.paths, 'django', sourceOf(app), 'd1');
    const buildDir = data.paths.build('django', 'd1');
    assert.match(manifest.runtimes.python!, /^3\.12\.\d+$/);
    assert.ok(lines.includes('-----> Using Python 3.12 specified in .python-version'), lines.join('\n'));
    assert.equal(inBuild(buildDir, manifest, ['-c', 'import sys; print(sys.version.split()[0])']), manifest.runtimes.python);
    assert.ok(lines.includes('-----> $ python manage.py collectstatic --noinput'));
    assert.ok(existsSync(join(buildDir, 'app', 'staticfiles', 'staticfiles.json')));
    const url = inBuild(buildDir, manifest, ['-c', 'import django; django.setup(); from django.templatetags.static import static; print(static("app.css"))'], { DJANGO_SETTINGS_MODULE: 'site_settings' });
    assert.match(url, /^\/static\/app\.[0-9a-f]{12}\.css$/);
  });

  it('restores the cached virtualenv on an unchanged redeploy, its scripts working from the new build, and still collects static files', { skip: PYENV_312 }, async () => {
    const app = writeApp(data.dir, 'django-again', { ...DJANGO, '.python-version': '3.12\n' });
    await runBuild(data.paths, 'cached', sourceOf(app), 'c1');
    const { manifest, lines } = await runBuild(data.paths, 'cached', sourceOf(app), 'c2');
    assert.ok(lines.includes('-----> Restoring cached virtualenv'), lines.join('\n'));
    assert.ok(!lines.some((line) => line.startsWith('-----> Installing dependencies')));
    const buildDir = data.paths.build('cached', 'c2');
    assert.ok(existsSync(join(buildDir, 'app', 'staticfiles', 'staticfiles.json')));
    // django-admin's shebang must not point into the first build (it may be gone).
    const admin = spawnSync(join(buildDir, 'app', '.venv', 'bin', 'django-admin'), ['--version'], { encoding: 'utf8' });
    assert.equal(admin.status, 0, admin.stderr);
    assert.match(admin.stdout, /^5\./);
    assert.doesNotMatch(readFileSync(join(buildDir, 'app', '.venv', 'bin', 'django-admin'), 'utf8'), /builds\/c1/);
    assert.match(manifest.runtimes.python!, /^3\.12\./);
  });

  it('skips collectstatic when the app\'s config says DISABLE_COLLECTSTATIC=1', { skip: PYENV_312 }, async () => {
    const app = writeApp(data.dir, 'nostatic', { ...DJANGO, '.python-version': '3.12' });
    const { lines } = await runBuild(data.paths, 'nostatic', sourceOf(app), 'n1', { DISABLE_COLLECTSTATIC: '1' });
    assert.ok(lines.includes('-----> Skipping Django collectstatic: DISABLE_COLLECTSTATIC=1'), lines.join('\n'));
    assert.equal(existsSync(join(data.paths.build('nostatic', 'n1'), 'app', 'staticfiles')), false);
  });

  it('refuses a runtime.txt version the machine has no interpreter for, naming those it has', async () => {
    const app = writeApp(data.dir, 'old-python', { 'requirements.txt': '', 'runtime.txt': 'python-3.5.10\n', Procfile: 'web: python app.py\n' });
    await assert.rejects(runBuild(data.paths, 'old', sourceOf(app), 'o1'),
      failure('RUNTIME_UNAVAILABLE', /^runtime\.txt asks for Python 3\.5\.10, and this machine has only (\d+\.\d+\.\d+, )*3\.12\.\d+.* \(on PATH, in pyenv and in TWELVE_PYTHON_PATHS\)$/));
    assert.equal(existsSync(data.paths.build('old', 'o1')), false);
  });

  it('refuses a Pipfile without its Pipfile.lock, naming both and the command that makes the lock', async () => {
    const app = writeApp(data.dir, 'pipfile', { Pipfile: '[packages]\nflask = "*"\n', 'app.py': '', Procfile: 'web: python app.py\n' });
    await assert.rejects(runBuild(data.paths, 'pipfile', sourceOf(app), 'f1'), failure('BUILD_FAILED', /Pipfile but no Pipfile\.lock: run `pipenv lock`/));
  });

  it('installs what uv.lock pins for the project, without uv, leaving its dev group out', async () => {
    const pinned: Record<string, [string, string[]]> = {
      flask: ['3.1.3', ['blinker', 'click', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug']],
      blinker: ['1.9.0', []], click: ['8.5.0', []], itsdangerous: ['2.2.0', []], jinja2: ['3.1.6', ['markupsafe']],
      markupsafe: ['3.0.3', []], werkzeug: ['3.1.9', ['markupsafe']], pytest: ['8.0.0', []],
    };
    const lock = [
      'version = 1', 'requires-python = ">=3.11"', '',
      '[[package]]', 'name = "uvapp"', 'version = "0.1.0"', 'source = { virtual = "." }', 'dependencies = [{ name = "flask" }]',
      '[package.dev-dependencies]', 'dev = [{ name = "pytest" }]', '',
      ...Object.entries(pinned).flatMap(([name, [version, deps]]) => [
        '[[package]]', `name = "${name}"`, `version = "${version}"`, 'source = { registry = "https://pypi.org/simple" }',
        `dependencies = [${deps.map((dep) => `{ name = "${dep}" }`).join(', ')}]`, '',
      ]),
    ].join('\n');
    const app = writeApp(data.dir, 'uv', { 'pyproject.toml': '[project]\nname = "uvapp"\nversion = "0.1.0"\n', 'uv.lock': lock, '.python-version': '3.11', Procfile: 'web: python app.py\n' });
    const { manifest, lines } = await runBuild(data.paths, 'uv', sourceOf(app), 'u1');
    assert.ok(lines.includes('       uv.lock: 7 pinned package(s), read from the lock file itself'), lines.join('\n'));
    const buildDir = data.paths.build('uv', 'u1');
    assert.equal(inBuild(buildDir, manifest, ['-c', 'import importlib.metadata as m; print(m.version("flask"))']), '3.1.3');
    assert.equal(existsSync(join(buildDir, 'app', '.venv', 'bin', 'pytest')), false, 'the dev group is not installed');
  });

  it('installs the packages Pipfile.lock pins for the app (its default section), without pipenv', async () => {
    const pinned = { flask: '3.1.3', werkzeug: '3.1.9', jinja2: '3.1.6', markupsafe: '3.0.3', itsdangerous: '2.2.0', click: '8.5.0', blinker: '1.9.0' };
    const lock = {
      _meta: { requires: { python_version: '3.11' } },
      default: Object.fromEntries(Object.entries(pinned).map(([name, version]) => [name, { version: `==${version}` }])),
      develop: { 'not-installed': { version: '==1.0.0' } },
    };
    const app = writeApp(data.dir, 'pipenv', { Pipfile: '[packages]\nflask = "*"\n', 'Pipfile.lock': lock, '.python-version': '3.11', Procfile: 'web: python app.py\n' });
    const { manifest, lines } = await runBuild(data.paths, 'pipenv', sourceOf(app), 'l1');
    assert.ok(lines.includes('       Pipfile.lock: 7 pinned package(s), read from the lock file itself'), lines.join('\n'));
    assert.equal(inBuild(data.paths.build('pipenv', 'l1'), manifest, ['-c', 'import flask, importlib.metadata as m; print(m.version("flask"))']), '3.1.3');
  });
});
