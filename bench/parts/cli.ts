/** CLI: latency of `twelve ps -a APP` against `node -e 0`, the floor of any Node.js command. */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, tempDir } from '../cleanup.js';
import { runToEnd } from '../manual.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES, ROOT } from '../platform.js';
import { median, now } from '../probe.js';
import { againstBaseline } from '../report.js';
import { which } from '../tools.js';

const APP = 'cli';
const RUNS = 15;

async function hyperfine(bin: string, commands: string[], env: NodeJS.ProcessEnv): Promise<number[]> {
  const file = join(tempDir('hyperfine'), 'out.json');
  await runToEnd(bin, ['-N', '--style', 'none', '--warmup', '3', '--runs', String(RUNS), '--export-json', file, ...commands], ROOT, env);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { results: Array<{ median: number }> };
  return parsed.results.map((r) => r.median * 1000);
}

async function timeOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = now();
  await new Promise<void>((resolve, reject) => {
    const child = spawnTracked(process.execPath, args, { env, cwd: ROOT });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited ${code}: ${child.output()}`))));
  });
  return now() - start;
}

async function byHand(commands: string[][], env: NodeJS.ProcessEnv): Promise<number[]> {
  const times = commands.map(() => [] as number[]);
  for (let run = 0; run < RUNS + 2; run += 1) {
    for (const [i, args] of commands.entries()) {
      const ms = await timeOnce(args, env);
      if (run >= 2) times[i]!.push(ms); // the first two runs warm the page cache
    }
  }
  return times.map(median);
}

export const cliPart: Part = {
  name: 'cli',
  description: `twelve ps -a APP vs node -e 0 (hyperfine, or ${RUNS} runs and the median)`,
  async run({ record }) {
    const platform = await BenchPlatform.launch();
    const dir = join(tempDir('cli-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    await platform.deployApp(APP, dir);
    const cli = join(ROOT, 'bin', 'twelve.js');
    const env = { ...process.env, ...platform.env };
    const bin = which('hyperfine');
    const [twelve, node] = bin
      ? await hyperfine(bin, [`${process.execPath} ${cli} ps -a ${APP}`, `${process.execPath} -e 0`], env)
      : await byHand([[cli, 'ps', '-a', APP], ['-e', '0']], env);
    const how = bin ? `hyperfine median of ${RUNS}` : `median of ${RUNS}`;
    record(againstBaseline('cli', `twelve ps -a ${APP} (${how})`, 'ms', twelve!, { name: 'node -e 0', value: node! }, 1.8));
  },
};
