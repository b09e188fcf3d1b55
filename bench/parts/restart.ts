/** restart: a web process killed with `kill -9` answering again, against a hand-made respawn loop. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cleanup.js';
import { supervise } from '../manual.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { freePort } from '../../src/free-port.js';
import { answers, median, now, until } from '../probe.js';
import { againstLimit, withSamples } from '../report.js';

const APP = 'restart';
const TIMES = 5;

/**
 * Kills `pid` and times until `port` answers again. The port must refuse once first, so an answer
 * from the dying process (a request racing the signal) is never counted as the restart.
 */
async function killAndTime(pid: number, port: number): Promise<number> {
  const start = now();
  process.kill(pid, 'SIGKILL');
  let refused = false;
  await until(`port ${port} to answer after kill -9`, async () => {
    const ok = await answers(port);
    if (!ok) refused = true;
    return ok && refused;
  }, 10_000, 2);
  return now() - start;
}

export const restartPart: Part = {
  name: 'restart',
  description: `kill -9 of a web process until its port answers again, ${TIMES} times (median)`,
  async run({ record }) {
    const dir = join(tempDir('restart-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });

    const manual: number[] = [];
    const port = await freePort();
    const loop = supervise(dir, port);
    try {
      for (let i = 0; i < TIMES; i += 1) {
        await until('the supervised server to answer', () => answers(port));
        manual.push(await killAndTime(loop.current().pid!, port));
      }
    } finally {
      loop.stop();
      loop.current().kill('SIGKILL');
    }

    // One kill per process: a second crash within 30 s is meant to wait (backoff), which is not what is timed here.
    const platform = await BenchPlatform.launch();
    await platform.deployApp(APP, dir);
    await platform.ok('ps:scale', `web=${TIMES}`, '-a', APP);
    const webs = await platform.upWebs(APP);
    if (webs.length !== TIMES) throw new Error(`expected ${TIMES} webs up, got ${webs.length}`);
    const twelve: number[] = [];
    for (const web of webs) twelve.push(await killAndTime(web.pid, web.port));
    record(withSamples(againstLimit('restart', `kill -9 to answering, median of ${TIMES}`, 'ms', median(twelve),
      { name: 'respawn on exit by hand', value: median(manual) }, 200), twelve, manual));
  },
};
