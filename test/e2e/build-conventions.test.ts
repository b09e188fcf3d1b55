/**
 * Heroku's build conventions through `twelve deploy`, in the sandbox where the machine has it: a Node +
 * Python app whose heroku-postbuild runs, whose Python is the 3.12 its .python-version asks for (from
 * pyenv, outside the build), and whose web process runs from /app with both.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestPlatform, waitFor } from './harness.js';

const platform = new TestPlatform();
let deployOutput = '';
let source = '';

const SERVER = [
  'import http.server, os, sys',
  'class Handler(http.server.BaseHTTPRequestHandler):',
  '    def do_GET(self):',
  "        body = f\"python {sys.version.split()[0]} prefix {sys.prefix} postbuild {open('postbuild.txt').read()}\".encode()",
  '        self.send_response(200); self.end_headers(); self.wfile.write(body)',
  "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()", '',
].join('\n');

function writeBoth(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'twelve-conventions-')), 'both');
  mkdirSync(dir);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'both', version: '1.0.0', private: true, scripts: { 'heroku-postbuild': "node -e \"require('fs').writeFileSync('postbuild.txt', process.version)\"" } }),
    'requirements.txt': '# nothing to install\n',
    '.python-version': '3.12\n',
    'app.json': '{\n  // Node first, then Python\n  "buildpacks": [{ "url": "heroku/nodejs" }, { "url": "heroku/python" },],\n}\n',
    'server.py': SERVER,
    Procfile: 'web: python server.py\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'both');
  source = writeBoth();
  deployOutput = (await platform.ok('deploy', source, '-a', 'both')).stdout;
});
after(async () => {
  await platform.ok('apps:destroy', '-a', 'both', '--confirm', 'both'); // and with it the app's sandbox user
  await platform.dispose();
  if (source) rmSync(dirname(source), { recursive: true, force: true });
});

test('a Node + Python app with an app.json with comments deploys: heroku-postbuild ran, Python 3.12 from pyenv serves from /app/.venv', async () => {
  assert.match(deployOutput, /Node\.js app detected[\s\S]*Python app detected[\s\S]*app\.json buildpacks: Node\.js, then Python/);
  assert.match(deployOutput, /Using Python 3\.12 specified in \.python-version/);
  let body = '';
  await waitFor('the web process to answer', async () => {
    const answer = await platform.get('both');
    body = answer.body;
    return answer.status === 200;
  });
  assert.match(body, /^python 3\.12\.\d+ prefix \S+\/\.venv postbuild v\d+\.\d+\.\d+$/);
});
