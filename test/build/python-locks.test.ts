import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requirementsFromPipfileLock, requirementsFromPoetryLock, requirementsFromUvLock } from '../../src/build/python-locks.js';
import { candidatePaths, chooseInterpreter, parsePythonRequest } from '../../src/build/python-version.js';
import { TwelveError } from '../../src/errors.js';

describe('Python lock files read without their tools', () => {
  it('takes Pipfile.lock\'s default section with extras and markers, leaving develop out', () => {
    const lock = JSON.stringify({
      default: {
        flask: { version: '==3.1.3', hashes: ['sha256:x'] },
        uvicorn: { version: '==0.30.0', extras: ['standard'] },
        colorama: { version: '==0.4.6', markers: "sys_platform == 'win32'" },
      },
      develop: { pytest: { version: '==8.0.0' } },
    });
    assert.deepEqual(requirementsFromPipfileLock(lock), ['flask==3.1.3', 'uvicorn[standard]==0.30.0', "colorama==0.4.6 ; sys_platform == 'win32'"]);
  });

  it('takes poetry.lock\'s main group, by groups (lock 2.1) or category (older)', () => {
    const lock = [
      '[[package]]', 'name = "flask"', 'version = "3.1.3"', 'groups = ["main"]', '',
      '[[package]]', 'name = "pytest"', 'version = "8.0.0"', 'groups = ["dev"]', '',
      '[[package]]', 'name = "click"', 'version = "8.1.7"', 'category = "main"', 'markers = "python_version >= \\"3.8\\""', '',
      '[[package]]', 'name = "black"', 'version = "24.1.0"', 'category = "dev"', '',
    ].join('\n');
    assert.deepEqual(requirementsFromPoetryLock(lock), ['flask==3.1.3', 'click==8.1.7 ; python_version >= "3.8"']);
  });

  it('walks uv.lock from the project\'s dependencies: transitive ones in, dev ones out, markers kept', () => {
    const lock = [
      'version = 1',
      '[[package]]', 'name = "app"', 'version = "0.1.0"', 'source = { virtual = "." }',
      'dependencies = [{ name = "flask" }, { name = "colorama", marker = "sys_platform == \'win32\'" }]',
      '[package.dev-dependencies]', 'dev = [{ name = "pytest" }]', '',
      '[[package]]', 'name = "flask"', 'version = "3.1.3"', 'source = { registry = "https://pypi.org/simple" }', 'dependencies = [{ name = "click" }]', '',
      '[[package]]', 'name = "click"', 'version = "8.5.0"', 'source = { registry = "https://pypi.org/simple" }', '',
      '[[package]]', 'name = "colorama"', 'version = "0.4.6"', 'source = { registry = "https://pypi.org/simple" }', '',
      '[[package]]', 'name = "pytest"', 'version = "8.0.0"', 'source = { registry = "https://pypi.org/simple" }', '',
    ].join('\n');
    assert.deepEqual(requirementsFromUvLock(lock).sort(), ['click==8.5.0', "colorama==0.4.6 ; sys_platform == 'win32'", 'flask==3.1.3']);
  });

  it('refuses a lock file it cannot parse, naming it', () => {
    assert.throws(() => requirementsFromPoetryLock('[[package'), (error: unknown) => error instanceof TwelveError && /^poetry\.lock could not be read/.test(error.message));
  });
});

describe('Python version requests', () => {
  it('reads runtime.txt and .python-version as Heroku writes them', () => {
    assert.deepEqual(parsePythonRequest('python-3.11.7\n', 'runtime.txt'), { version: '3.11.7', file: 'runtime.txt' });
    assert.deepEqual(parsePythonRequest('# pinned\n3.12\n', '.python-version'), { version: '3.12', file: '.python-version' });
    assert.throws(() => parsePythonRequest('pypy3.10\n', '.python-version'), (error: unknown) => error instanceof TwelveError && error.code === 'RUNTIME_UNAVAILABLE');
  });

  it('picks the newest patch of a minor, or the exact version, never another one', () => {
    const found = [{ path: '/a', version: '3.12.1' }, { path: '/b', version: '3.12.4' }, { path: '/c', version: '3.11.7' }];
    assert.equal(chooseInterpreter({ version: '3.12', file: '.python-version' }, found).path, '/b');
    assert.equal(chooseInterpreter({ version: '3.12.1', file: '.python-version' }, found).path, '/a');
    assert.throws(() => chooseInterpreter({ version: '3.12.2', file: 'runtime.txt' }, found), (error: unknown) =>
      error instanceof TwelveError && error.message === 'runtime.txt asks for Python 3.12.2, and this machine has only 3.11.7, 3.12.1, 3.12.4 (on PATH, in pyenv and in TWELVE_PYTHON_PATHS)');
  });

  it('looks at the operator\'s interpreters first, then PATH (without pyenv\'s shims), then pyenv\'s versions', () => {
    const candidates = candidatePaths(['/root/.pyenv/versions/3.9.18'], '/root/.pyenv/shims:/usr/bin', ['/root/.pyenv']);
    assert.equal(candidates[0], '/root/.pyenv/versions/3.9.18/bin/python3');
    assert.ok(candidates.includes('/usr/bin/python3'));
    assert.ok(!candidates.some((path) => path.includes('/shims/')));
    assert.ok(candidates.includes('/root/.pyenv/versions/3.12.1/bin/python3'));
  });
});
