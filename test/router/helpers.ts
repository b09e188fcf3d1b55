/** Shared pieces of the router tests: real backends on port 0, polling; transport.ts starts routers and clients. */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { LogBus } from '../../src/logs/log-bus.js';
import type { RouteTable } from '../../src/router/route-table.js';
import type { Router } from '../../src/router/router.js';

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

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
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

/** How many HTTP responses (status lines) a raw answer holds. */
export function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.[01] \d{3}[^\r\n]*/g) ?? [];
}
