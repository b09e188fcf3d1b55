/** The baselines: doing by hand what twelve automates (npm ci, start `node server.js` with PORT, respawn). */
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { spawnTracked, tempDir } from './cleanup.js';
import { freePort } from '../src/free-port.js';
import { untilAllAnswer } from './probe.js';

/** The npm settings twelve's builds use, so the baseline install does no more work than twelve's. */
export function npmEnv(cache: string): NodeJS.ProcessEnv {
  return {
    ...process.env, npm_config_cache: cache, npm_config_audit: 'false', npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/**
 * Every command of a baseline runs in a session of its own, as twelve starts each process and build step:
 * with the kernel's autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled), a session shares the
 * CPU as one, so on a busy machine twenty servers started in the bench's own session would get the share
 * of one process and twelve's the share of twenty.
 */
export const OWN_SESSION = { detached: true } as const;

/** Runs a command to completion; fails with its output when it exits non-zero. */
export function runToEnd(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(file, args, { cwd, env, ...OWN_SESSION });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')} exited ${code}:\n${child.output()}`));
    });
  });
}

/** `npm ci` in `dir` with an empty npm cache of its own, as twelve's first build of an app has. */
export async function npmCi(dir: string): Promise<void> {
  await runToEnd('npm', ['ci'], dir, npmEnv(join(tempDir('npm-cache'), 'cache')));
}

/**
 * The environment twelve gives a web process (src/run/process-env.ts): a clean base, not the caller's.
 * Inheriting ours instead would not be the same command: NODE_EXTRA_CA_CERTS alone doubles Node's start here.
 */
export function webEnv(port: number, dyno: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['LANG', 'LC_ALL', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env, HOME: process.env.HOME ?? '/', PORT: String(port), DYNO: dyno,
    PATH: `${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  };
}

export interface ManualServer { child: ChildProcess; port: number }

/** Starts `node server.js` in `dir` on a free port, as a Procfile's `web: node server.js` would. */
export async function startServer(dir: string, name = 'web.1'): Promise<ManualServer> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, ['server.js'], { cwd: dir, env: webEnv(port, name), ...OWN_SESSION });
  return { child, port };
}

/** Starts `count` servers at once and resolves once every one answers HTTP. */
export async function startServers(dir: string, count: number): Promise<ManualServer[]> {
  const servers = await Promise.all(Array.from({ length: count }, (_, i) => startServer(dir, `web.${i + 1}`)));
  await untilAllAnswer(servers.map((s) => s.port));
  return servers;
}

/** A hand-made supervisor: respawns `node server.js` on the same port the moment it exits (until stopped). */
export function supervise(dir: string, port: number): { current: () => ChildProcess; stop: () => void } {
  let stopped = false;
  let child: ChildProcess;
  const launch = () => {
    child = spawnTracked(process.execPath, ['server.js'], { cwd: dir, env: webEnv(port, 'web.1') });
    child.on('exit', () => { if (!stopped) launch(); });
  };
  launch();
  return { current: () => child, stop: () => { stopped = true; } };
}
