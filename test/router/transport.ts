/**
 * The two ways a client reaches the router, for the shared router suite: every router test runs once
 * over plain TCP and once over TLS (the router's https port, a certificate from a local CA the client
 * trusts). A test takes the pieces from its transport and reads the same either way.
 */
import http, { type ClientRequest, type RequestOptions } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import pino from 'pino';
import { CertificateBook } from '../../src/certs/certificate-book.js';
import { LocalCa } from '../../src/certs/local-ca.js';
import { LogBus } from '../../src/logs/log-bus.js';
import type { RouterLimits } from '../../src/router/proxy-context.js';
import { normalizeHost, RouteTable } from '../../src/router/route-table.js';
import { Router } from '../../src/router/router.js';
import type { RouterCounters } from '../../src/telemetry/router-counters.js';
import { waitFor, type Answer, type RawClient, type TestRouter } from './helpers.js';

export interface Transport {
  name: 'http' | 'https';
  /** A router on port 0; its `port` is this transport's (the https one for TLS). */
  startRouter(options?: { requestTimeoutMs?: number; closeTimeoutMs?: number; limits?: Partial<RouterLimits>; counters?: RouterCounters }): Promise<TestRouter>;
  /** node:http's or node:https's request(), trusting the test CA. */
  request(options: RequestOptions): ClientRequest;
  /** A connected client socket (the handshake done for TLS). */
  connect(port: number, servername?: string): Promise<net.Socket>;
  get(port: number, host: string, options?: { path?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer>;
  rawClient(port: number): Promise<RawClient>;
  /** Sends `bytes` on a fresh connection, half-closes, and returns everything until the router closes. */
  rawRoundTrip(port: number, bytes: string | Buffer, timeoutMs?: number): Promise<string>;
}

/** One local CA for every TLS router in the test process: its root is what the TLS clients trust. */
export const testCa = await LocalCa.create();

/** The SNI for a Host header: TLS carries names only, so an address or nothing becomes `localhost`. */
function servernameOf(host: string | undefined): string {
  const name = normalizeHost(host);
  return name === '' || net.isIP(name.replace(/^\[|\]$/g, '')) !== 0 ? 'localhost' : name;
}

function makeTransport(name: 'http' | 'https'): Transport {
  const transport: Transport = {
    name,
    async startRouter(options = {}) {
      const table = new RouteTable();
      const logs = new LogBus();
      const router = new Router({ table, logs, logger: pino({ level: 'silent' }), ...options });
      let port = await router.listen(0, '127.0.0.1');
      if (name === 'https') {
        const book = new CertificateBook(testCa, { mayIssue: () => true });
        port = await router.listenTls(0, '127.0.0.1', book);
      }
      return { router, table, logs, port, close: () => router.close() };
    },
    request(options) {
      if (name === 'http') return http.request(options);
      const host = (options.headers as Record<string, string> | undefined)?.host;
      return https.request({ ...options, ca: testCa.rootPem, servername: servernameOf(host) });
    },
    async connect(port, servername = 'localhost') {
      if (name === 'http') {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        return socket;
      }
      const socket = tls.connect({ port, host: '127.0.0.1', servername, ca: testCa.rootPem, ALPNProtocols: ['http/1.1'] });
      await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      return socket;
    },
    get(port, host, options = {}) {
      return new Promise((resolve, reject) => {
        const req = transport.request({
          host: '127.0.0.1', port, agent: false, method: options.method ?? 'GET', path: options.path ?? '/',
          headers: { host, ...options.headers },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(options.body);
      });
    },
    async rawClient(port) {
      const socket = await transport.connect(port);
      let text = '';
      socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      return {
        socket,
        received: () => text,
        send: (bytes) => void socket.write(bytes),
        until: (check, what, timeoutMs) => waitFor(() => check(text) && text, what, timeoutMs),
        closed,
      };
    },
    async rawRoundTrip(port, bytes, timeoutMs = 5000) {
      const client = await transport.rawClient(port);
      client.socket.end(bytes);
      const timer = setTimeout(() => client.socket.destroy(), timeoutMs);
      await client.closed;
      clearTimeout(timer);
      return client.received();
    },
  };
  return transport;
}

/** Plain first, then TLS. */
export const TRANSPORTS: readonly Transport[] = [makeTransport('http'), makeTransport('https')];
