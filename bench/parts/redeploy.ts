/**
 * redeploy: `twelve deploy` of an unchanged Node app and an unchanged Python app (dependencies cached)
 * until the new release answers, against the same steps by hand with the dependencies kept: copy the
 * source, copy the kept node_modules or link the kept virtualenv, start, first answer.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, spawnTracked, tempDir } from '../cleanup.js';
import { npmCi, OWN_SESSION, runToEnd, webEnv } from '../manual.js';
import type { Part } from '../part.js';
import { machineCa, pipMirror, pipMirrorDirs } from '../../test/machine-settings.js';
import { onCleanup, trackPid } from '../cleanup.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { freePort } from '../../src/free-port.js';
import { median, now, probe, until } from '../probe.js';
import { againstBaseline, withSamples } from '../report.js';

/** Rounds alternate the two sides, so a busy moment of the machine hits both alike. */
const ROUNDS = 5;

interface Stack {
  app: string;
  /** Writes the codebase into `dir`. */
  write(dir: string): void;
  /** The first install by hand, into `dir` (not timed). */
  install(dir: string): Promise<void>;
  /** The redeploy's own steps by hand, from the kept install in `kept` to a started process in `dir`. */
  restore(kept: string, dir: string): Promise<void>;
  command: string[];
}

const NODE: Stack = {
  app: 'node-again',
  write: (dir) => {
    cpSync(join(FIXTURES, 'node-deps'), dir, { recursive: true });
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n');
  },
  install: (dir) => npmCi(dir),
  // node-deps has no devDependencies: nothing to prune, by hand as in twelve.
  restore: (kept, dir) => runToEnd('cp', ['-a', '--reflink=auto', join(kept, 'node_modules'), join(dir, 'node_modules')], dir),
  command: [process.execPath, 'server.js'],
};

const FLASK_APP = [
  'import os',
  'from flask import Flask',
  'app = Flask(__name__)',
  "@app.get('/')",
  'def index():',
  "    return 'ok flask'",
  "app.run(host='127.0.0.1', port=int(os.environ['PORT']))", '',
].join('\n');

const PYTHON: Stack = {
  app: 'python-again',
  write: (dir) => {
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n');
    writeFileSync(join(dir, 'app.py'), FLASK_APP);
    writeFileSync(join(dir, 'Procfile'), 'web: python app.py\n');
  },
  async install(dir) {
    await runToEnd('python3', ['-m', 'venv', '.venv'], dir);
    await runToEnd(join(dir, '.venv', 'bin', 'pip'), ['install', '-r', 'requirements.txt'], dir);
  },
  // Hard links, as twelve restores a cached virtualenv: the cheapest copy a person could make.
  restore: (kept, dir) => runToEnd('cp', ['-al', join(kept, '.venv'), join(dir, '.venv')], dir),
  command: ['.venv/bin/python', 'app.py'],
};

async function byHand(stack: Stack, kept: string): Promise<number> {
  const start = now();
  const dir = tempDir(`${stack.app}-by-hand`);
  stack.write(dir);
  await stack.restore(kept, dir);
  const port = await freePort();
  const child = spawnTracked(stack.command[0]!, stack.command.slice(1), { cwd: dir, env: webEnv(port, 'web.1'), ...OWN_SESSION });
  await until('the hand-started server to answer', async () => (await probe(port)).status === 200, 30_000, 5);
  const ms = now() - start;
  await killChild(child);
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function byTwelve(platform: BenchPlatform, stack: Stack, source: string, release: number): Promise<number> {
  const start = now();
  await platform.ok('deploy', source, '-a', stack.app);
  await until(`v${release} to answer through the router`, async () => {
    if ((await probe(platform.routerPort, `${stack.app}.localhost`)).status !== 200) return false;
    const webs = await platform.upWebs(stack.app);
    return webs.length > 0 && webs.every((w) => w.release === release);
  }, 60_000, 5);
  return now() - start;
}

/** twelve serve with the machine's package mirror declared as an operator does, for the builds in their sandbox. */
async function launchWithMirror(): Promise<BenchPlatform> {
  const buildEnv = { ...pipMirror(), ...machineCa() };
  const platform = new BenchPlatform({
    TWELVE_BUILD_ENV: Object.entries(buildEnv).map(([name, value]) => `${name}=${value}`).join(','),
    TWELVE_SANDBOX_READ_ONLY: pipMirrorDirs().join(':'),
  });
  onCleanup(() => platform.dispose().then(() => undefined));
  await platform.start();
  if (platform.process?.pid) trackPid(platform.process.pid);
  return platform;
}

export const redeployPart: Part = {
  name: 'redeploy',
  description: `twelve deploy of an unchanged Node app and Flask app (dependencies cached), median of ${ROUNDS}, vs the same steps by hand with the install kept`,
  async run({ record }) {
    // This machine's pip lists pypi.org (unreachable) beside its mirror: no retries, for both sides' first install.
    process.env.PIP_RETRIES = '0';
    const platform = await launchWithMirror();
    for (const stack of [NODE, PYTHON]) {
      const kept = tempDir(`${stack.app}-kept`);
      stack.write(kept);
      await stack.install(kept);
      const source = tempDir(`${stack.app}-src`);
      stack.write(source);
      await platform.ok('apps:create', stack.app);
      await byTwelve(platform, stack, source, 1); // fills twelve's cache
      const twelve: number[] = [];
      const hand: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        hand.push(await byHand(stack, kept));
        twelve.push(await byTwelve(platform, stack, source, round + 2));
      }
      const label = stack === NODE ? 'Node (npm, lockfile)' : 'Python (Flask, requirements.txt)';
      record(withSamples(againstBaseline('redeploy', `${label} redeploy, dependencies unchanged`, 'ms', median(twelve),
        { name: 'cp source + kept deps + start', value: median(hand) }, 1.2), twelve, hand));
      await platform.ok('apps:destroy', '-a', stack.app, '--confirm', stack.app); // and its sandbox user
    }
  },
};
