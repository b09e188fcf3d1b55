/**
 * Let's Encrypt's test server for the ACME tests: Debian's `pebble`, with `pebble-challtestsrv` as its
 * DNS (every test domain resolves to 127.0.0.1 unless a test says otherwise), both on free ports, both
 * stopped by their PIDs. Pebble serves its API over TLS with a certificate from a test CA made here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCa } from '../../src/certs/local-ca.js';

export interface Pebble {
  directoryUrl: string;
  /** Trusts pebble's API (the test CA's root). */
  apiCa: string;
  /** The root pebble signs the certificates it issues with. */
  issuingRoot(): Promise<string>;
  /** Points `host` at `address` in the test DNS (127.0.0.2: nothing answers the challenge there). */
  resolve(host: string, address: string): Promise<void>;
  stop(): void;
}

export function havePebble(): boolean {
  return ['pebble', 'pebble-challtestsrv'].every((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);
}

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function fetchText(url: string, ca: string, options: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    };
    const method = options.method ?? 'GET';
    const req = url.startsWith('https:') ? https.request(url, { method, ca, agent: false }, onResponse) : http.request(url, { method, agent: false }, onResponse);
    req.on('error', reject);
    req.end(options.body);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${String(last)}`);
}

/** Starts both servers; `httpPort` is where pebble sends HTTP-01 checks (the router's plain port). */
export async function startPebble(httpPort: number): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-pebble-'));
  const ca = await LocalCa.create();
  const tls = await ca.issue(['localhost', '127.0.0.1']);
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  writeFileSync(join(dir, 'key.pem'), tls.key);
  const [dnsPort, challManagement, listen, management] = [await freeUdpPort(), await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
  writeFileSync(join(dir, 'pebble.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${listen}`, managementListenAddress: `127.0.0.1:${management}`,
      certificate: join(dir, 'cert.pem'), privateKey: join(dir, 'key.pem'),
      httpPort, tlsPort: await freeTcpPort(), ocspResponderURL: '', externalAccountBindingRequired: false,
    },
  }));
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const stop = () => {
    for (const child of children) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const track = (child: ChildProcess) => {
    children.push(child);
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  };
  try {
    track(spawn('pebble-challtestsrv', ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '',
      '-management', `127.0.0.1:${challManagement}`, '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''], { stdio: ['ignore', 'pipe', 'pipe'] }));
    track(spawn('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      // Almost no reuse of valid authorizations (pebble reuses half by default; 0 still reuses 1 in 100).
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    }));
    const directoryUrl = `https://127.0.0.1:${listen}/dir`;
    await until('pebble\'s directory', async () => (await fetchText(directoryUrl, ca.rootPem)).status === 200 || undefined);
    await until('pebble-challtestsrv', async () => (await fetchText(`http://127.0.0.1:${challManagement}/`, '')).status > 0 || undefined);
    return {
      directoryUrl,
      apiCa: ca.rootPem,
      issuingRoot: async () => (await fetchText(`https://127.0.0.1:${management}/roots/0`, ca.rootPem)).text,
      resolve: async (host, address) => {
        await fetchText(`http://127.0.0.1:${challManagement}/add-a`, '', { method: 'POST', body: JSON.stringify({ host: `${host}.`, addresses: [address] }) });
      },
      stop,
    };
  } catch (error) {
    stop();
    throw new Error(`${String(error)}\n${output.join('')}`);
  }
}
