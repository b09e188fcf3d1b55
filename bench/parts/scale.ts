/** scale: `ps:scale web=20` until all 20 answer, against spawning the same 20 commands directly. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, tempDir } from '../cleanup.js';
import { startServers } from '../manual.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { median, now, until, untilAllAnswer } from '../probe.js';
import { againstBaseline, withSamples } from '../report.js';

const APP = 'scale';
const COUNT = 20;
/** Rounds alternate baseline and twelve, so a busy moment of the machine hits both alike. */
const ROUNDS = 5;

/** ms from `ps:scale web=COUNT` (from web=0) until every one of them answers. */
export async function scaleUpFromZero(platform: BenchPlatform, app: string, count: number): Promise<number> {
  await platform.ok('ps:scale', 'web=0', '-a', app);
  await until('web=0', async () => (await platform.processes(app)).length === 0, 30_000, 20);
  const start = now();
  await platform.ok('ps:scale', `web=${count}`, '-a', app);
  let ports: number[] = [];
  await until(`${count} webs up`, async () => {
    ports = (await platform.upWebs(app)).map((w) => w.port);
    return ports.length === count;
  }, 60_000, 10);
  await untilAllAnswer(ports);
  return now() - start;
}

async function manualScale(dir: string): Promise<number> {
  const start = now();
  const servers = await startServers(dir, COUNT);
  const ms = now() - start;
  await Promise.all(servers.map((s) => killChild(s.child)));
  return ms;
}

export const scalePart: Part = {
  name: 'scale',
  description: `ps:scale web=${COUNT} until every process answers, vs spawning node server.js ${COUNT} times`,
  async run({ record }) {
    const dir = join(tempDir('scale-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const platform = await BenchPlatform.launch();
    await platform.deployApp(APP, dir);
    const twelve: number[] = [];
    const manual: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      manual.push(await manualScale(dir));
      twelve.push(await scaleUpFromZero(platform, APP, COUNT));
    }
    record(withSamples(againstBaseline('scale', `web=0 -> web=${COUNT}, median of ${ROUNDS}`, 'ms', median(twelve),
      { name: `${COUNT}x node server.js`, value: median(manual) }, 1.1), twelve, manual));
  },
};
