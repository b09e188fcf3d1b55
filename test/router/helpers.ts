/** Shared pieces of the router tests: real backends on port 0, a router on port 0, a plain client, polling. */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import { LogBus } from '../../src/logs/log-bus.js';
import { RouteTable } from '../../src/router/route-table.js';
import type { RouterLimits } from '../../src/router/proxy-context.js';
import { Router } from '../../src/router/router.js';
import type { RouterCounters } from '../../src/telemetry/router-counters.js';

export interface TestBackend {
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1:0 playing a web process. */
export async function startBackend(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestBackend> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** A backend that answers with its own name, so tests can see which one served. */
export function startNamedBackend(name: string): Promise<TestBackend> {
  return startBackend((req, res) => {
    req.resume();
    res.end(name);
  });
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestRouter {
  router: Router;
  table: RouteTable;
  logs: LogBus;
  port: number;
  close(): Promise<void>;
}

export async function startRouter(options: { requestTimeoutMs?: number; closeTimeoutMs?: number; limits?: Partial<RouterLimits>; counters?: RouterCounters } = {}): Promise<TestRouter> {
  const table = new RouteTable();
  const logs = new LogBus();
  const router = new Router({ table, logs, logger: pino({ level: 'silent' }), ...options });
  const port = await router.listen(0, '127.0.0.1');
  return { router, table, logs, port, close: () => router.close() };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection (no agent), so nothing lingers after a test. */
export function get(port: number, host: string, options: { path?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, agent: false, method: options.method ?? 'GET', path: options.path ?? '/',
      headers: { host, ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The router lines of an app so far. */
export function routerLines(logs: LogBus, app: string): string[] {
  return logs.history(app).filter((event) => event.source === 'router').map((event) => event.text);
}

/** A promise with its resolve function outside, to hold a backend's response until the test releases it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** A raw client connection: write bytes, read everything back as latin1 text. */
export interface RawClient {
  socket: net.Socket;
  received(): string;
  send(bytes: string | Buffer): void;
  /** Resolves once the received text satisfies `check`. */
  until(check: (text: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  closed: Promise<void>;
}

export async function rawClient(port: number): Promise<RawClient> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
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
}

/** Sends `bytes` on a fresh connection, half-closes, and returns everything until the router closes. */
export async function rawRoundTrip(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  const client = await rawClient(port);
  client.socket.end(bytes);
  const timer = setTimeout(() => client.socket.destroy(), timeoutMs);
  await client.closed;
  clearTimeout(timer);
  return client.received();
}

/** How many HTTP responses (status lines) a raw answer holds. */
export function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.[01] \d{3}[^\r\n]*/g) ?? [];
}
