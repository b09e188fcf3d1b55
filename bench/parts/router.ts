/** router: requests/s and p99 for a small keep-alive answer, direct to the app, through nginx, through twelve's router. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cleanup.js';
import { startNginx } from '../nginx.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { againstBaseline } from '../report.js';
import { installHint, which } from '../tools.js';
import { runWrk, type WrkLoad, type WrkResult } from '../wrk.js';

const APP = 'router';
const SECONDS = 10;
const WARMUP_SECONDS = 2;

async function measure(bin: string, label: string, load: Omit<WrkLoad, 'seconds'>): Promise<WrkResult> {
  await runWrk(bin, { ...load, seconds: WARMUP_SECONDS });
  const result = await runWrk(bin, { ...load, seconds: SECONDS });
  const wrong = result.non2xx + result.socketErrors;
  console.log(`  ${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms` +
    (wrong > 0 ? `  (WARNING: ${result.non2xx} non-2xx answers, ${result.socketErrors} socket errors)` : ''));
  return result;
}

export const routerPart: Part = {
  name: 'router',
  description: `wrk -t2 -c50 -d${SECONDS}s --latency: app port direct, nginx, twelve's router (Host: ${APP}.localhost)`,
  async run({ record, skip }) {
    const wrk = which('wrk');
    if (!wrk) return skip(installHint('wrk'));
    const dir = join(tempDir('router-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const platform = await BenchPlatform.launch();
    await platform.deployApp(APP, dir);
    const [web] = await platform.upWebs(APP);
    if (!web) throw new Error('no web process up to load');

    const direct = await measure(wrk, 'direct', { url: `http://127.0.0.1:${web.port}/` });
    const twelve = await measure(wrk, 'twelve', { url: `http://127.0.0.1:${platform.routerPort}/`, host: `${APP}.localhost` });
    const directRps = { name: 'direct to app', value: direct.requestsPerSecond };
    const directP99 = { name: 'direct to app', value: direct.p99Ms };
    record(againstBaseline('router', 'twelve requests/s vs direct', 'req/s', twelve.requestsPerSecond, directRps, null));
    record(againstBaseline('router', 'twelve p99 vs direct', 'ms', twelve.p99Ms, directP99, null));

    const nginxBin = which('nginx');
    if (!nginxBin) return skip(installHint('nginx-light'));
    const nginx = await startNginx(nginxBin, web.port);
    try {
      const viaNginx = await measure(wrk, 'nginx', { url: `http://127.0.0.1:${nginx.port}/`, host: `${APP}.localhost` });
      record(againstBaseline('router', 'twelve requests/s vs nginx', 'req/s', twelve.requestsPerSecond, { name: 'nginx, 1 worker', value: viaNginx.requestsPerSecond }, null));
      record(againstBaseline('router', 'twelve p99 vs nginx', 'ms', twelve.p99Ms, { name: 'nginx, 1 worker', value: viaNginx.p99Ms }, null));
    } finally {
      await nginx.stop();
    }
  },
};
