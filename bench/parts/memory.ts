/** memory: resident memory of the `twelve serve` process, idle with one web and with 20 processes. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, spawnTracked, tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { rssMb, until } from '../probe.js';
import { againstLimit } from '../report.js';

const APP = 'memory';
/** PM2's daemon, as the issue measured it: idle with one app, and with 20 processes. */
const PM2_IDLE_MB = 58;
const PM2_TWENTY_MB = 61;
const SAMPLES = 10;

/** The highest of a few VmRSS samples over about a second: RSS moves with every GC. */
async function sampleRss(pid: number): Promise<number> {
  let highest = 0;
  for (let i = 0; i < SAMPLES; i += 1) {
    highest = Math.max(highest, await rssMb(pid));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return highest;
}

/** A Node.js process doing nothing: the floor any Node.js daemon starts from, for scale. */
async function bareNodeRss(): Promise<number> {
  const child = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("ready")']);
  try {
    await until('bare node to start', () => child.output().includes('ready'), 10_000);
    return await sampleRss(child.pid!);
  } finally {
    await killChild(child);
  }
}

export const memoryPart: Part = {
  name: 'memory',
  description: 'VmRSS of twelve serve, idle (one app, web=1) and with 20 processes, vs PM2\'s daemon (58 / 61 MB)',
  async run({ record }) {
    const bare = { name: 'bare node process', value: await bareNodeRss() };
    const dir = join(tempDir('memory-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const platform = await BenchPlatform.launch();
    await platform.deployApp(APP, dir);
    await until('web.1 up', async () => (await platform.upWebs(APP)).length === 1, 30_000, 20);
    record(againstLimit('memory', 'twelve serve RSS, one app, web=1', 'MB', await sampleRss(platform.pid), bare, PM2_IDLE_MB));

    await platform.ok('ps:scale', 'web=20', '-a', APP);
    await until('20 webs up', async () => (await platform.upWebs(APP)).length === 20, 60_000, 20);
    record(againstLimit('memory', 'twelve serve RSS, web=20', 'MB', await sampleRss(platform.pid), bare, PM2_TWENTY_MB));
  },
};
