/**
 * router: requests/s and p99 for a small keep-alive answer, direct to the app, through nginx, through
 * twelve's router, and through the node:http design it replaced. The proxies are measured in interleaved
 * rounds and each keeps its best round: the machine is shared, and noise only ever makes a run slower.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked } from '../cleanup.js';
import { startNginx } from '../nginx.js';
import type { Part } from '../part.js';
import { BenchPlatform, ROOT } from '../platform.js';
import { freePort } from '../../src/free-port.js';
import { answers, until } from '../probe.js';
import { againstBaseline, againstLimit, atLeastBaseline } from '../report.js';
import { installHint, which } from '../tools.js';
import { measureWrk, runWrk, type WrkLoad, type WrkResult } from '../wrk.js';

const APP = 'router';
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const ROUNDS = 5;
const DEPLOY_LOAD_SECONDS = 15;

function measure(bin: string, label: string, load: Omit<WrkLoad, 'seconds'>): Promise<WrkResult> {
  return measureWrk(bin, label, load, SECONDS, WARMUP_SECONDS);
}

/**
 * The best of two results, each measure on its own: the most requests/s and the lowest p99. Noise only
 * ever makes a round worse, and the two are made worse by different things: requests/s by a slower
 * machine for the whole round, the p99 by a stall of a few tens of ms anywhere in it (at 20,000 requests/s,
 * 1% of a 10 s round is 0.1 s), so the round with the most requests/s is often not the one with the
 * lowest p99, for nginx as for twelve.
 */
function best(a: WrkResult | undefined, b: WrkResult): WrkResult {
  if (a === undefined) return b;
  return { ...(b.requestsPerSecond > a.requestsPerSecond ? b : a), p99Ms: Math.min(a.p99Ms, b.p99Ms) };
}

/** The replaced node:http + keep-alive agent proxy, in a process of its own like nginx. */
async function startNodeHttpProxy(appPort: number): Promise<number> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, [join(ROOT, 'dist', 'bench', 'node-http-proxy.js'), String(port), String(appPort)]);
  await until('the node:http proxy to answer', async () => {
    if (child.exitCode !== null) throw new Error(`node-http-proxy exited ${child.exitCode}: ${child.output()}`);
    return answers(port);
  }, 10_000, 20);
  return port;
}

export const routerPart: Part = {
  name: 'router',
  description: `wrk -t2 -c50 -d${SECONDS}s --latency, best of ${ROUNDS} interleaved rounds (requests/s and p99 each its own best): app port direct, nginx, twelve's router, node:http proxy (Host: ${APP}.localhost)`,
  async run({ record, skip }) {
    const wrk = which('wrk');
    if (!wrk) return skip(installHint('wrk'));
    const { platform, dir, web } = await BenchPlatform.withNodeWeb(APP);

    const direct = await measure(wrk, 'direct', { url: `http://127.0.0.1:${web.port}/` });
    const nginxBin = which('nginx');
    const nginx = nginxBin ? await startNginx(nginxBin, web.port) : undefined;
    const nodeHttpPort = await startNodeHttpProxy(web.port);
    const host = `${APP}.localhost`;
    let twelve: WrkResult | undefined;
    let viaNginx: WrkResult | undefined;
    let viaNodeHttp: WrkResult | undefined;
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        if (nginx) viaNginx = best(viaNginx, await measure(wrk, `round ${round} nginx`, { url: `http://127.0.0.1:${nginx.port}/`, host }));
        twelve = best(twelve, await measure(wrk, `round ${round} twelve`, { url: `http://127.0.0.1:${platform.routerPort}/`, host }));
        viaNodeHttp = best(viaNodeHttp, await measure(wrk, `round ${round} node:http proxy`, { url: `http://127.0.0.1:${nodeHttpPort}/`, host }));
      }
    } finally {
      await nginx?.stop();
    }
    const rps = (result: WrkResult, name: string) => ({ name, value: result.requestsPerSecond });
    const p99 = (result: WrkResult, name: string) => ({ name, value: result.p99Ms });
    record(againstBaseline('router', 'twelve requests/s vs direct', 'req/s', twelve!.requestsPerSecond, rps(direct, 'direct to app'), null));
    record(againstBaseline('router', 'twelve p99 vs direct', 'ms', twelve!.p99Ms, p99(direct, 'direct to app'), null));
    record(againstBaseline('router', 'node:http proxy requests/s vs direct', 'req/s', viaNodeHttp!.requestsPerSecond, rps(direct, 'direct to app'), null));
    if (!viaNginx) return skip(installHint('nginx-light'));
    record(atLeastBaseline('router', 'twelve requests/s vs nginx', 'req/s', twelve!.requestsPerSecond, rps(viaNginx, 'nginx, 1 worker'), 0.75));
    record(againstBaseline('router', 'twelve p99 vs nginx', 'ms', twelve!.p99Ms, p99(viaNginx, 'nginx, 1 worker'), 1.5));
    record(againstBaseline('router', 'node:http proxy requests/s vs nginx', 'req/s', viaNodeHttp!.requestsPerSecond, rps(viaNginx, 'nginx, 1 worker'), null));

    // The same load while the app is deployed twice: zero downtime means no failed request, and the p99 shows the cost.
    const underLoad = runWrk(wrk, { url: `http://127.0.0.1:${platform.routerPort}/`, host, seconds: DEPLOY_LOAD_SECONDS });
    for (let i = 1; i <= 2; i++) {
      writeFileSync(join(dir, 'VERSION'), `${i}\n`);
      await platform.ok('deploy', dir, '-a', APP);
    }
    const during = await underLoad;
    console.log(`  during 2 deploys: ${during.requestsPerSecond.toFixed(0)} req/s, p99 ${during.p99Ms.toFixed(2)} ms, ${during.non2xx} non-2xx, ${during.socketErrors} socket errors`);
    record(againstLimit('router', 'failed requests during 2 deploys under load', 'requests', during.non2xx + during.socketErrors, null, 0));
    record(againstBaseline('router', 'p99 during 2 deploys vs steady', 'ms', during.p99Ms, p99(twelve!, 'twelve, no deploy'), null));
  },
};
