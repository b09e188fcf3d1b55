import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { detectStacks } from '../../src/build/detect.js';

const detectStack = (dir: string): string => detectStacks(dir).stacks.join('+');
import { hasRequirements } from '../../src/build/python-stack.js';
import { TwelveError } from '../../src/errors.js';
import { FIXTURES, tempData } from './helpers.js';

describe('detectStacks', () => {
  it('detects Node.js by package.json, with or without a Procfile', () => {
    assert.equal(detectStack(join(FIXTURES, 'node-web')), 'node');
    assert.equal(detectStack(join(FIXTURES, 'node-deps')), 'node');
  });

  it('detects Python by requirements.txt', () => {
    assert.equal(detectStack(join(FIXTURES, 'python-web')), 'python');
  });

  it('detects a Procfile alone as the procfile stack', () => {
    assert.equal(detectStack(join(FIXTURES, 'procfile-only')), 'procfile');
  });

  it('throws UNKNOWN_STACK when nothing says how to build', () => {
    assert.throws(() => detectStack(join(FIXTURES, 'no-stack')), (error: unknown) =>
      error instanceof TwelveError && error.code === 'UNKNOWN_STACK' && /no Procfile, package.json, requirements.txt, pyproject.toml/.test(error.message));
  });

  describe('with files written for the case', () => {
    const data = tempData();
    after(() => data.cleanup());
    const app = (name: string, files: string[]): string => {
      const dir = join(data.dir, name);
      mkdirSync(dir);
      for (const file of files) writeFileSync(join(dir, file), '');
      return dir;
    };

    it('detects Python by pyproject.toml', () => {
      assert.equal(detectStack(app('pyproject', ['pyproject.toml', 'Procfile'])), 'python');
    });

    it('builds both Node.js and Python, Node.js first, when an app has package.json and requirements.txt, and says so', () => {
      const detection = detectStacks(app('both', ['requirements.txt', 'package.json']));
      assert.deepEqual(detection, { stacks: ['node', 'python'], notes: ['Node.js and Python both build, in this order (app.json "buildpacks" sets another)'] });
    });

    it('follows app.json buildpacks, by name or URL, in their order, naming those twelve does not run', () => {
      const dir = app('ordered', ['requirements.txt', 'package.json']);
      const detection = detectStacks(dir, [{ url: 'https://github.com/heroku/heroku-buildpack-python.git' }, { url: 'heroku/ruby' }, { url: 'heroku/nodejs' }]);
      assert.deepEqual(detection, {
        stacks: ['python', 'node'],
        notes: ['app.json buildpack heroku/ruby: twelve builds only heroku/nodejs and heroku/python; this one does not run', 'app.json buildpacks: Python, then Node.js'],
      });
      assert.deepEqual(detectStacks(dir, ['heroku/nodejs']).stacks, ['node']);
    });

    it('refuses an app.json buildpack whose files the codebase lacks', () => {
      assert.throws(() => detectStacks(app('lacking', ['package.json']), [{ url: 'heroku/python' }]), (error: unknown) =>
        error instanceof TwelveError && error.code === 'UNKNOWN_STACK' && /lists the Python buildpack/.test(error.message));
    });

    it('names a manifest of a stack twelve does not build, beside what it builds or in the refusal', () => {
      assert.deepEqual(detectStacks(app('ruby-and-procfile', ['Gemfile', 'Procfile'])), { stacks: ['procfile'], notes: ['Gemfile found: twelve does not build Ruby; it is left as it is'] });
      assert.throws(() => detectStacks(app('go', ['go.mod'])), (error: unknown) =>
        error instanceof TwelveError && error.code === 'UNKNOWN_STACK' && /go\.mod is Go, which twelve does not build$/.test(error.message));
    });

    it('detects Python by a Pipfile or a lock file alone', () => {
      assert.equal(detectStack(app('pipfile', ['Pipfile'])), 'python');
      assert.equal(detectStack(app('uv', ['uv.lock', 'pyproject.toml'])), 'python');
    });
  });
});

describe('hasRequirements', () => {
  it('counts no requirements in comments and blank lines', () => {
    assert.equal(hasRequirements(''), false);
    assert.equal(hasRequirements('# only a comment\n\n   \n  # another\n'), false);
  });

  it('counts a package, an option line or a local path as requirements', () => {
    assert.equal(hasRequirements('# web\nflask==3.0  # pinned\n'), true);
    assert.equal(hasRequirements('-r base.txt\n'), true);
    assert.equal(hasRequirements('./vendor/mypkg\n'), true);
  });
});
