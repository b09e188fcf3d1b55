import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { detectStack } from '../../src/build/detect.js';
import { hasRequirements } from '../../src/build/python-stack.js';
import { TwelveError } from '../../src/errors.js';
import { FIXTURES, tempData } from './helpers.js';

describe('detectStack', () => {
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
      error instanceof TwelveError && error.code === 'UNKNOWN_STACK' && /no Procfile, package.json, requirements.txt or pyproject.toml/.test(error.message));
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

    it('prefers Node.js when an app has both package.json and requirements.txt', () => {
      assert.equal(detectStack(app('both', ['requirements.txt', 'package.json'])), 'node');
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
