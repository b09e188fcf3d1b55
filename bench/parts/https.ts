/**
 * https: requests/s and p99 through twelve's https port against nginx terminating TLS (one worker, like
 * twelve's one thread), both with the same ECDSA P-256 certificate (leaf and root), in one run: keep-alive
 * connections; a new connection per request where both resume sessions (wrk uses each ticket once, as
 * browsers do); and a new connection with a full handshake each time (resumption off on both sides).
 * Interleaved rounds; best and median of each side. What each side negotiates is printed first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCa } from '../../src/certs/local-ca.js';
import { tempDir } from '../cleanup.js';
import { startNginx } from '../nginx.js';
import type { Part } from '../part.js';
import { BenchPlatform } from '../platform.js';
import { againstBaseline, atLeastBaseline } from '../report.js';
import { describeTls } from '../tls-probe.js';
import { installHint, which } from '../tools.js';
import { runWrk, type WrkLoad, type WrkResult } from '../wrk.js';

const APP = 'secure';
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const ROUNDS = 5;

/**
 * OpenSSL's configuration for a twelve with no session resumption: without tickets, Node's server has
 * nowhere to find a TLS 1.3 session again, so every handshake is a full one (nginx: tickets and cache off).
 */
const NO_RESUMPTION_CONF = `nodejs_conf = nodejs_init
[nodejs_init]
ssl_conf = ssl_init
[ssl_init]
system_default = no_resumption
[no_resumption]
Options = -SessionTicket
`;

const CASES = [
  { name: 'keep-alive', close: false, resumption: true },
  { name: 'new connection, resumed', close: true, resumption: true },
  { name: 'new connection, full handshake', close: true, resumption: false },
] as const;

/** A warm-up, then the measured run with the CPU `pid` spent on it, per 1000 requests; prints a line. */
async function measure(bin: string, label: string, load: Omit<WrkLoad, 'seconds'>, pid: number): Promise<WrkResult & { cpuPerThousand: number }> {
  await runWrk(bin, { ...load, seconds: WARMUP_SECONDS });
  const before = cpuMs(pid);
  const result = await runWrk(bin, { ...load, seconds: SECONDS });
  const cpuPerThousand = 1000 * (cpuMs(pid) - before) / Math.max(1, result.requests);
  const wrong = result.non2xx + result.socketErrors;
  console.log(`  ${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, CPU ${cpuPerThousand.toFixed(0)} ms per 1000 requests` +
    (wrong > 0 ? `  (WARNING: ${result.non2xx} non-2xx answers, ${result.socketErrors} socket errors)` : ''));
  return { ...result, cpuPerThousand };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** nginx's access log lines so far: the ones a load adds say whether each request came over a resumed session. */
function logLines(accessLog: string): string[] {
  return readFileSync(accessLog, 'utf8').split('\n').filter((line) => line.includes(' reused='));
}

/** CPU time (user + system, ms) a process has used: on a shared machine, the cost of a request apart from the share of the CPU it got. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // utime and stime, fields 14 and 15 of stat (12 and 13 after the name), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const httpsPart: Part = {
  name: 'https',
  description: `wrk -t2 -c50 -d${SECONDS}s --latency over TLS, ${ROUNDS} interleaved rounds: keep-alive, a new connection per request (resumed, and full handshakes): twelve's https port vs nginx (ssl, 1 worker)`,
  async run({ record, skip }) {
    const wrk = which('wrk');
    if (!wrk) return skip(installHint('wrk'));
    const nginxBin = which('nginx');
    if (!nginxBin) return skip(installHint('nginx-light'));
    if (!which('openssl')) return skip(installHint('openssl'));
    const { platform, dir, web } = await BenchPlatform.withNodeWeb(APP);
    const confDir = tempDir('https-openssl');
    writeFileSync(join(confDir, 'no-resumption.cnf'), NO_RESUMPTION_CONF);
    const fullTwelve = await BenchPlatform.launch({ OPENSSL_CONF: join(confDir, 'no-resumption.cnf') });
    await fullTwelve.deployApp(APP, dir);

    // wrk sends no server name to an IP address: twelve then answers with its local CA's certificate for
    // `localhost`, an ECDSA P-256 leaf under a P-256 root; nginx gets one of the same shape.
    const pair = await (await LocalCa.create()).issue(['localhost', '127.0.0.1']);
    const certDir = tempDir('https-cert');
    writeFileSync(join(certDir, 'cert.pem'), pair.cert);
    writeFileSync(join(certDir, 'key.pem'), pair.key);
    const tls = { certFile: join(certDir, 'cert.pem'), keyFile: join(certDir, 'key.pem') };
    const nginx = await startNginx(nginxBin, web.port, tls);
    const fullNginx = await startNginx(nginxBin, web.port, { ...tls, resumption: false });
    const ports = (resumption: boolean) => resumption
      ? { nginx: nginx.port, twelve: platform.httpsPort }
      : { nginx: fullNginx.port, twelve: fullTwelve.httpsPort };
    for (const resumption of [true, false]) {
      for (const [side, port] of Object.entries(ports(resumption))) {
        console.log(`  ${side}, resumption ${resumption ? 'on' : 'off'}: ${describeTls(port, `${APP}.localhost`)}`);
      }
    }
    const pids = (resumption: boolean) => resumption
      ? { nginx: nginx.workerPid(), twelve: platform.pid }
      : { nginx: fullNginx.workerPid(), twelve: fullTwelve.pid };
    const results = new Map<string, Array<WrkResult & { cpuPerThousand: number }>>();
    const add = (key: string, result: WrkResult & { cpuPerThousand: number }) => results.set(key, [...results.get(key) ?? [], result]);
    const resumed = { requests: 0, resumed: 0 };
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const kind of CASES) {
          const headers = kind.close ? ['Connection: close'] : [];
          for (const [side, port] of Object.entries(ports(kind.resumption))) {
            const pid = pids(kind.resumption)[side as 'nginx' | 'twelve'];
            const logged = side === 'nginx' && kind.name === 'new connection, resumed' ? logLines(nginx.accessLog).length : undefined;
            const result = await measure(wrk, `round ${round} ${side} ${kind.name}`, { url: `https://127.0.0.1:${port}/`, host: `${APP}.localhost`, headers }, pid);
            add(`${side} ${kind.name}`, result);
            if (logged !== undefined) {
              const lines = logLines(nginx.accessLog).slice(logged);
              resumed.requests += lines.length;
              resumed.resumed += lines.filter((line) => line.endsWith(' reused=r')).length;
            }
          }
        }
      }
    } finally {
      await nginx.stop();
      await fullNginx.stop();
    }
    console.log(`  nginx, new connection, resumed: ${Math.round(100 * resumed.resumed / Math.max(1, resumed.requests))}% of its requests came over a resumed session (warm-ups included)`);
    for (const kind of CASES) {
      const perThousand = (side: string) => median(results.get(`${side} ${kind.name}`)!.map((result) => result.cpuPerThousand));
      record(againstBaseline('https', `${kind.name}: twelve CPU per 1000 requests vs nginx's worker (median)`, 'ms', perThousand('twelve'), { name: 'nginx ssl, 1 worker (median)', value: perThousand('nginx') }, null));
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
