/** Small apps the export tests deploy: Node with three process types, Python, and a Procfile alone. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeApp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-export-app-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** web answers with GREETING, its uid and DYNO; worker logs a line a second; release says it ran. */
export const NODE_APP = {
  'package.json': JSON.stringify({ name: 'export-node', version: '1.0.0', private: true }),
  Procfile: 'web: node server.js\nworker: node worker.js\nrelease: node -e "console.log(\'release ran\')"\n',
  'server.js': [
    "const http = require('node:http');",
    "const server = http.createServer((req, res) => res.end(`hello ${process.env.GREETING ?? ''} uid=${process.getuid()} dyno=${process.env.DYNO}`));",
    "server.listen(Number(process.env.PORT), () => console.log('listening on', process.env.PORT));",
    "process.on('SIGTERM', () => server.close(() => process.exit(0)));",
    '',
  ].join('\n'),
  'worker.js': "console.log(`worker up as uid ${process.getuid()}`);\nconst timer = setInterval(() => console.log('worker tick'), 1000);\nprocess.on('SIGTERM', () => { clearInterval(timer); process.exit(0); });\n",
  'app.json': JSON.stringify({ healthcheck: { path: '/', timeout: 2 } }),
};

/** No Procfile: Heroku's default `web: npm start`, with the Node.js runtime the build pins (engines.node). */
export const PINNED_NODE_APP = {
  'package.json': JSON.stringify({ name: 'export-pinned', version: '1.0.0', private: true, engines: { node: '20.x' }, scripts: { start: 'node server.js' } }),
  'server.js': NODE_APP['server.js'],
};

export const PYTHON_APP = {
  'requirements.txt': '# nothing to install\n',
  Procfile: 'web: python3 app.py\n',
  'app.py': [
    'import os',
    'from http.server import BaseHTTPRequestHandler, HTTPServer',
    'class Handler(BaseHTTPRequestHandler):',
    '    def do_GET(self):',
    "        body = f\"hello {os.environ.get('GREETING', '')} uid={os.getuid()}\".encode()",
    '        self.send_response(200)',
    "        self.send_header('content-length', str(len(body)))",
    '        self.end_headers()',
    '        self.wfile.write(body)',
    "HTTPServer(('0.0.0.0', int(os.environ['PORT'])), Handler).serve_forever()",
    '',
  ].join('\n'),
};

/** Only the shell: the self-contained image has /bin/sh and nothing else of the machine's tools. */
export const PROCFILE_APP = {
  Procfile: 'worker: sh bin/worker.sh\nrelease: sh bin/release.sh\n',
  'bin/worker.sh': 'echo "worker $TWELVE_RELEASE_VERSION in $PWD as $HOME"\n',
  'bin/release.sh': 'echo "release phase of $TWELVE_APP"\n',
};

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const request = get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', fail);
    request.setTimeout(5000, () => request.destroy(new Error('timed out')));
  });
}
