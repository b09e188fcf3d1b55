/**
 * telemetry: what measuring costs. Two twelves side by side, one with TWELVE_METRICS=off: the router's
 * requests/s and CPU per request under wrk in interleaved ABBA rounds (best and median of each; the one
 * with telemetry is also scraped every 5 s, as Prometheus would), then each with 20 processes, idle, and twelve's CPU per second
 * over the same 30 s (from /proc/PID/stat), and the sampler's own cost as it counts it.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcUsage } from '../../src/launch/proc-stat.js';
import { tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { median, until } from '../probe.js';
import { againstBaseline, againstLimit, atLeastBaseline, withSamples } from '../report.js';
import { installHint, which } from '../tools.js';
import { runWrk, type WrkLoad } from '../wrk.js';

const APP = 'tele';
const ROUNDS = 5;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const IDLE_SECONDS = 30;
const PROCESSES = 20;
const SCRAPE_MS = 5_000;

async function launchWithApp(env: Record<string, string>, dir: string): Promise<BenchPlatform> {
  const platform = await BenchPlatform.launch(env);
  await platform.deployApp(APP, dir);
  await until('web.1 up', async () => (await platform.upWebs(APP)).length === 1, 30_000, 20);
  return platform;
}

/** One measured round: requests/s, and twelve's CPU per request (from /proc, steadier than req/s on a shared machine). */
async function round(bin: string, label: string, pid: number, load: Omit<WrkLoad, 'seconds'>): Promise<{ rps: number; cpuUs: number }> {
  await runWrk(bin, { ...load, seconds: WARMUP_SECONDS });
  const cpuBefore = cpuSeconds(pid);
  const result = await runWrk(bin, { ...load, seconds: SECONDS });
  const cpuUs = ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.requests);
  console.log(`  ${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${cpuUs.toFixed(1)} us of twelve's CPU per request`
    + `${result.non2xx + result.socketErrors > 0 ? ' (WARNING: failed requests)' : ''}`);
  return { rps: result.requestsPerSecond, cpuUs };
}

/** GET /metrics with the platform's token; the text. */
async function scrape(platform: BenchPlatform): Promise<string> {
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  const response = await fetch(`http://127.0.0.1:${platform.apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return response.text();
}

function counter(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

function cpuSeconds(pid: number): number {
  return (readProcUsage(pid)?.cpuTicks ?? 0) / 100;
}

export const telemetryPart: Part = {
  name: 'telemetry',
  description: `router req/s with telemetry on vs off (wrk -t2 -c50 -d${SECONDS}s, ${ROUNDS} interleaved rounds, /metrics scraped every 5 s), and twelve's CPU with ${PROCESSES} processes sampled (${IDLE_SECONDS} s idle)`,
  async run({ record, skip }) {
    const dir = join(tempDir('telemetry-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const off = await launchWithApp({ TWELVE_METRICS: 'off' }, dir);
    const on = await launchWithApp({}, dir);
    const wrk = which('wrk');
    if (!wrk) skip(installHint('wrk'));
    else {
      const host = `${APP}.localhost`;
      const offRounds: Array<{ rps: number; cpuUs: number }> = [];
      const onRounds: Array<{ rps: number; cpuUs: number }> = [];
      const measureOff = async (n: number) => offRounds.push(await round(wrk, `round ${n} telemetry off`, off.pid, { url: `http://127.0.0.1:${off.routerPort}/`, host }));
      const measureOn = async (n: number) => {
        const scraper = setInterval(() => { void scrape(on).catch(() => undefined); }, SCRAPE_MS);
        try {
          onRounds.push(await round(wrk, `round ${n} telemetry on`, on.pid, { url: `http://127.0.0.1:${on.routerPort}/`, host }));
        } finally {
          clearInterval(scraper);
        }
      };
      // ABBA: each side goes first in every other round, so neither always follows the other's load.
      for (let n = 1; n <= ROUNDS; n += 1) {
        if (n % 2 === 1) { await measureOff(n); await measureOn(n); } else { await measureOn(n); await measureOff(n); }
      }
      const baseline = (value: number) => ({ name: 'telemetry off', value });
      const onRps = onRounds.map((r) => r.rps);
      const offRps = offRounds.map((r) => r.rps);
      record(withSamples(atLeastBaseline('telemetry', 'router requests/s, telemetry on vs off (best)', 'req/s', Math.max(...onRps), baseline(Math.max(...offRps)), 0.97), onRps, offRps));
      record(atLeastBaseline('telemetry', 'router requests/s, telemetry on vs off (median)', 'req/s', median(onRps), baseline(median(offRps)), 0.97));
      record(againstBaseline('telemetry', 'twelve CPU per request, telemetry on vs off (median)', 'us', median(onRounds.map((r) => r.cpuUs)), baseline(median(offRounds.map((r) => r.cpuUs))), null));
    }

    for (const platform of [off, on]) await platform.ok('ps:scale', `web=${PROCESSES}`, '-a', APP);
    await until(`${PROCESSES} webs up on both`, async () => (await off.upWebs(APP)).length === PROCESSES && (await on.upWebs(APP)).length === PROCESSES, 120_000, 100);
    const before = { off: cpuSeconds(off.pid), on: cpuSeconds(on.pid), text: await scrape(on) };
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const after = { off: cpuSeconds(off.pid), on: cpuSeconds(on.pid), text: await scrape(on) };
    const sampler = counter(after.text, 'twelve_sampler_cpu_seconds_total') - counter(before.text, 'twelve_sampler_cpu_seconds_total');
    const rounds = counter(after.text, 'twelve_sampler_rounds_total') - counter(before.text, 'twelve_sampler_rounds_total');
    const percent = (seconds: number) => (seconds / IDLE_SECONDS) * 100;
    console.log(`  idle with ${PROCESSES} processes: twelve on ${percent(after.on - before.on).toFixed(2)}% of a core, off ${percent(after.off - before.off).toFixed(2)}%; `
      + `the sampler ${percent(sampler).toFixed(3)}% (${rounds} rounds, ${((sampler / Math.max(1, rounds)) * 1000).toFixed(2)} ms each)`);
    record(againstLimit('telemetry', `sampler CPU, ${PROCESSES} processes`, '% of a core', percent(sampler), null, 2));
    record(againstLimit('telemetry', `twelve CPU idle with ${PROCESSES} processes, telemetry on`, '% of a core', percent(after.on - before.on),
      { name: 'telemetry off', value: percent(after.off - before.off) }, 2));
  },
};
