/** deploy: `twelve deploy` of a Node app with a dependency until the router answers, against doing it by hand. */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, tempDir } from '../cleanup.js';
import { npmCi, runToEnd, startServer } from '../manual.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { median, now, probe, until } from '../probe.js';
import { againstBaseline, againstLimit, withSamples } from '../report.js';

const FIXTURE = join(FIXTURES, 'node-deps');
const APP = 'deps';
/** First deploys alternate the two sides, each round a new app (so an empty cache) on twelve's side. */
const ROUNDS = 5;

async function manualDeploy(): Promise<{ ms: number; dir: string }> {
  const start = now();
  const dir = join(tempDir('manual-deploy'), 'app');
  cpSync(FIXTURE, dir, { recursive: true });
  await npmCi(dir);
  const server = await startServer(dir);
  await until('the hand-started server to answer', async () => (await probe(server.port)).body.startsWith('ok 1m'));
  const ms = now() - start;
  await killChild(server.child);
  return { ms, dir };
}

/** By hand with dependencies kept: copy the new source, reuse node_modules, start, first answer. */
async function manualRedeploy(previous: string): Promise<number> {
  const start = now();
  const dir = join(tempDir('manual-redeploy'), 'app');
  cpSync(FIXTURE, dir, { recursive: true });
  cpSync(join(previous, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
  const server = await startServer(dir);
  await until('the hand-restarted server to answer', async () => (await probe(server.port)).body.startsWith('ok 1m'));
  const ms = now() - start;
  await killChild(server.child);
  return ms;
}

async function twelveDeploy(platform: BenchPlatform, app: string, source: string, release: number): Promise<number> {
  const start = now();
  await platform.ok('deploy', source, '-a', app);
  await until(`v${release} to answer through the router`, async () => {
    if ((await probe(platform.routerPort, `${app}.localhost`)).status !== 200) return false;
    const webs = await platform.upWebs(app);
    return webs.length > 0 && webs.every((w) => w.release === release);
  }, 60_000, 5);
  return now() - start;
}

export const deployPart: Part = {
  name: 'deploy',
  description: 'twelve deploy (node-deps) until the first answer through the router, vs copy + npm ci + node server.js',
  async run({ record }) {
    // npm's own code warm in the page cache for both sides; neither side has the package in its npm cache.
    await runToEnd('npm', ['--version'], process.cwd());
    const platform = await BenchPlatform.launch();
    const source = join(tempDir('deps-src'), 'app');
    cpSync(FIXTURE, source, { recursive: true });
    // The same command the manual side starts: without a Procfile twelve would run `npm start`, as Heroku does,
    // and time npm's own start-up rather than the platform.
    writeFileSync(join(source, 'Procfile'), 'web: node server.js\n');
    const twelve: number[] = [];
    const hand: number[] = [];
    let manual = { ms: 0, dir: '' };
    for (let round = 1; round <= ROUNDS; round += 1) {
      manual = await manualDeploy();
      hand.push(manual.ms);
      await platform.ok('apps:create', `${APP}${round}`);
      twelve.push(await twelveDeploy(platform, `${APP}${round}`, source, 1));
    }
    record(withSamples(againstBaseline('deploy', `first deploy, median of ${ROUNDS}`, 'ms', median(twelve),
      { name: 'cp + npm ci + node server.js', value: median(hand) }, 1.3), twelve, hand));

    const manualAgain = await manualRedeploy(manual.dir);
    const again = await twelveDeploy(platform, `${APP}${ROUNDS}`, source, 2);
    record(againstLimit('deploy', 'redeploy, same lockfile', 'ms', again, { name: 'cp + kept node_modules + node server.js', value: manualAgain }, 1500));
    rmSync(source, { recursive: true, force: true });
    for (let round = 1; round <= ROUNDS; round += 1) await platform.ok('apps:destroy', '-a', `${APP}${round}`, '--confirm', `${APP}${round}`); // and their sandbox users
  },
};
