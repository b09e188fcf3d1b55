/**
 * `npm run demo`: starts twelve with a data dir of its own, deploys examples/hello with the real CLI,
 * prints the URL, and stays in the foreground until Ctrl-C (which stops the platform gracefully).
 */
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorText } from './errors.js';
import { detectSandboxSupport } from './sandbox/sandbox-support.js';
import { SERVE_NODE_FLAGS } from './serve-node-flags.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'twelve.js');
const env: Record<string, string | undefined> = {
  ...process.env,
  TWELVE_DATA_DIR: process.env.TWELVE_DATA_DIR ?? join(root, '.twelve-demo'),
  TWELVE_API_PORT: process.env.TWELVE_API_PORT ?? '5100',
  TWELVE_ROUTER_PORT: process.env.TWELVE_ROUTER_PORT ?? '5000',
};
const apiUrl = `http://127.0.0.1:${env.TWELVE_API_PORT}`;
// The demo must run on a fresh machine: without what the sandbox needs, it opts out, and says so.
const sandboxMissing = env.TWELVE_SANDBOX === undefined ? detectSandboxSupport().missing : null;
if (sandboxMissing) env.TWELVE_SANDBOX = 'off';
env.TWELVE_API_URL = apiUrl;

function healthy(): Promise<boolean> {
  return new Promise((done) => {
    const req = request(`${apiUrl}/v1/health`, (res) => { res.resume(); done(res.statusCode === 200); });
    req.on('error', () => done(false));
    req.end();
  });
}

async function waitForPlatform(deadlineMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('twelve serve exited during start-up (see its output above)');
    if (await healthy()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`twelve did not answer at ${apiUrl} within ${deadlineMs / 1000} s`);
}

function twelve(...args: string[]): number {
  return spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit' }).status ?? 1;
}

async function runDemo(): Promise<void> {
  console.log(`Starting twelve (data dir ${env.TWELVE_DATA_DIR})`);
  if (sandboxMissing) console.log(`The demo runs apps unsandboxed (TWELVE_SANDBOX=off): ${sandboxMissing}. See docs/security.md.`);
  const server = spawn(process.execPath, [...SERVE_NODE_FLAGS, cli, 'serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  server.on('exit', (code) => {
    exited = true;
    process.exit(code ?? 0);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill('SIGTERM'));

  await waitForPlatform(30_000, () => exited);
  const existing = spawnSync(process.execPath, [cli, 'apps:info', '-a', 'hello', '--json'], { env, stdio: 'ignore' });
  if (existing.status !== 0 && twelve('apps:create', 'hello') !== 0) throw new Error('could not create the app hello');
  if (twelve('deploy', join(root, 'examples', 'hello'), '-a', 'hello') !== 0) throw new Error('the deploy of examples/hello failed');
  console.log(`
hello is running at http://hello.localhost:${env.TWELVE_ROUTER_PORT}/
  curl -H 'Host: hello.localhost' http://127.0.0.1:${env.TWELVE_ROUTER_PORT}/
In another terminal (export TWELVE_DATA_DIR=${env.TWELVE_DATA_DIR} TWELVE_API_URL=${apiUrl}):
  npx twelve ps -a hello
  npx twelve logs -a hello --tail
Ctrl-C stops twelve and the app.`);
}

runDemo().catch((error: unknown) => {
  console.error(`demo failed: ${errorText(error)}`);
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
});
