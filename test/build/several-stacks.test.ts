import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseAppJson } from '../../src/build/app-json.js';
import { TwelveError } from '../../src/errors.js';
import { runBuild, sourceOf, tempData, writeApp } from './helpers.js';

const NODE_AND_PYTHON = {
  'package.json': { name: 'both', version: '1.0.0', private: true, scripts: { start: 'node server.js' } },
  'server.js': '',
  'requirements.txt': '# nothing to install\n',
  'worker.py': 'print("working")\n',
};

function failsWith(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TwelveError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('several stacks in one app, and app.json as Dokku reads it', () => {
  const data = tempData();
  after(() => data.cleanup());

  it('builds both sides of a Node.js + Python app, Node.js first, and records both', async () => {
    const { manifest, lines } = await runBuild(data.paths, 'both', sourceOf(writeApp(data.dir, 'both', NODE_AND_PYTHON)), 'b1');
    assert.deepEqual(manifest.stacks, ['node', 'python']);
    assert.equal(manifest.stack, 'node');
    assert.deepEqual(Object.keys(manifest.runtimes).sort(), ['node', 'python']);
    assert.ok(manifest.path.includes('app/node_modules/.bin') && manifest.path.includes('app/.venv/bin'), manifest.path.join(':'));
    assert.deepEqual(manifest.processTypes, { web: 'npm start' });
    assert.deepEqual(lines.slice(0, 3), [
      '-----> Node.js app detected', '-----> Python app detected',
      '       Node.js and Python both build, in this order (app.json "buildpacks" sets another)',
    ]);
  });

  it('reads an app.json with comments and trailing commas, and builds in the order its buildpacks give', async () => {
    const appJson = [
      '{',
      '  // Dokku and many examples write comments here',
      '  "buildpacks": [',
      '    { "url": "heroku/python" }, /* first */',
      '    { "url": "https://github.com/heroku/heroku-buildpack-nodejs" },',
      '  ],',
      '}',
    ].join('\n');
    const { manifest, lines } = await runBuild(data.paths, 'ordered', sourceOf(writeApp(data.dir, 'ordered', { ...NODE_AND_PYTHON, 'app.json': appJson })), 'o1');
    assert.deepEqual(manifest.stacks, ['python', 'node']);
    assert.deepEqual(manifest.appJson, { buildpacks: [{ url: 'heroku/python' }, { url: 'https://github.com/heroku/heroku-buildpack-nodejs' }] });
    const venv = lines.findIndex((line) => line.startsWith('-----> Creating virtualenv'));
    const node = lines.findIndex((line) => line.startsWith('-----> Using node'));
    assert.ok(venv !== -1 && node > venv, lines.join('\n'));
  });

  it('refuses an app.json it cannot read, saying which line', () => {
    assert.throws(() => parseAppJson('{\n  "name": "x"\n  "env": {}\n}'), failsWith('INVALID_APP_JSON', /^app\.json line 3, column 3: comma expected$/));
  });

  it('tells a Python app with no process types to add a Procfile with gunicorn or python, not an npm script', async () => {
    const app = writeApp(data.dir, 'python-only', { 'requirements.txt': '', 'app.py': '' });
    await assert.rejects(runBuild(data.paths, 'py', sourceOf(app), 'p1'), (error: unknown) => {
      failsWith('INVALID_PROCFILE', /add a Procfile, e\.g\. `web: gunicorn myproject\.wsgi` \(Django\), `web: gunicorn app:app` \(Flask\) or `web: python app\.py`$/)(error);
      assert.doesNotMatch((error as Error).message, /npm|package\.json/);
      return true;
    });
  });
});
