/**
 * https: requests/s and p99 through twelve's https port against nginx terminating TLS, both with an
 * ECDSA P-256 certificate of the same shape (leaf and root), in one run: keep-alive connections, and a
 * new connection (a full handshake) per request. Interleaved rounds; best and median of each side.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCa } from '../../src/certs/local-ca.js';
import { tempDir } from '../cleanup.js';
import { startNginx } from '../nginx.js';
import type { Part } from '../part.js';
import { BenchPlatform } from '../platform.js';
import { againstBaseline, atLeastBaseline } from '../report.js';
import { installHint, which } from '../tools.js';
import { measureWrk, type WrkLoad, type WrkResult } from '../wrk.js';

const APP = 'secure';
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const ROUNDS = 5;

const CASES = [
  { name: 'keep-alive', headers: {} },
  { name: 'new connection', headers: { connection: 'close' } },
] as const;

function measure(bin: string, label: string, load: Omit<WrkLoad, 'seconds'>): Promise<WrkResult> {
  return measureWrk(bin, label, load, SECONDS, WARMUP_SECONDS);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const httpsPart: Part = {
  name: 'https',
  description: `wrk -t2 -c50 -d${SECONDS}s --latency over TLS, ${ROUNDS} interleaved rounds, keep-alive and a new connection per request: twelve's https port vs nginx (ssl, 1 worker)`,
  async run({ record, skip }) {
    const wrk = which('wrk');
    if (!wrk) return skip(installHint('wrk'));
    const nginxBin = which('nginx');
    if (!nginxBin) return skip(installHint('nginx-light'));
    const { platform, web } = await BenchPlatform.withNodeWeb(APP);

    // wrk sends no server name to an IP address: twelve then answers with its local CA's certificate for
    // `localhost`, an ECDSA P-256 leaf under a P-256 root; nginx gets one of the same shape.
    const pair = await (await LocalCa.create()).issue(['localhost', '127.0.0.1']);
    const certDir = tempDir('https-cert');
    writeFileSync(join(certDir, 'cert.pem'), pair.cert);
    writeFileSync(join(certDir, 'key.pem'), pair.key);
    const nginx = await startNginx(nginxBin, web.port, { certFile: join(certDir, 'cert.pem'), keyFile: join(certDir, 'key.pem') });
    const results = new Map<string, WrkResult[]>();
    const add = (key: string, result: WrkResult) => results.set(key, [...results.get(key) ?? [], result]);
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const kind of CASES) {
          const extra = Object.entries(kind.headers).map(([name, value]) => `${name}: ${value}`);
          add(`nginx ${kind.name}`, await measure(wrk, `round ${round} nginx ${kind.name}`, { url: `https://127.0.0.1:${nginx.port}/`, host: `${APP}.localhost`, headers: extra }));
          add(`twelve ${kind.name}`, await measure(wrk, `round ${round} twelve ${kind.name}`, { url: `https://127.0.0.1:${platform.httpsPort}/`, host: `${APP}.localhost`, headers: extra }));
        }
      }
    } finally {
      await nginx.stop();
    }
    for (const kind of CASES) {
      const twelve = results.get(`twelve ${kind.name}`)!;
      const viaNginx = results.get(`nginx ${kind.name}`)!;
      const rps = (list: WrkResult[]) => list.map((result) => result.requestsPerSecond);
      const p99 = (list: WrkResult[]) => list.map((result) => result.p99Ms);
      const baseline = (value: number, how: string) => ({ name: `nginx ssl, 1 worker (${how})`, value });
      record(atLeastBaseline('https', `${kind.name}: twelve requests/s vs nginx (best)`, 'req/s', Math.max(...rps(twelve)), baseline(Math.max(...rps(viaNginx)), 'best'), 0.75));
      record(againstBaseline('https', `${kind.name}: twelve p99 vs nginx (best)`, 'ms', Math.min(...p99(twelve)), baseline(Math.min(...p99(viaNginx)), 'best'), 1.5));
      record(againstBaseline('https', `${kind.name}: twelve requests/s vs nginx (median)`, 'req/s', median(rps(twelve)), baseline(median(rps(viaNginx)), 'median'), null));
      record(againstBaseline('https', `${kind.name}: twelve p99 vs nginx (median)`, 'ms', median(p99(twelve)), baseline(median(p99(viaNginx)), 'median'), null));
      const failed = [...twelve, ...viaNginx].reduce((sum, result) => sum + result.non2xx + result.socketErrors, 0);
      if (failed > 0) console.log(`  WARNING: ${kind.name}: ${failed} failed requests over the rounds`);
    }
  },
};
