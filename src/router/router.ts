/**
 * The router: twelve's one public port. A raw TCP server whose connections parse only the framing of
 * each request and relay it to pooled keep-alive backend sockets (see docs/router.md for why not
 * node:http); it enforces the timeouts, lets the fleet drain a backend, and shuts down without cutting
 * requests in flight.
 */
import net, { type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { TwelveError } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import { BackendPool } from './backend-pool.js';
import { ClientConnection } from './client-connection.js';
import { DEFAULT_LIMITS, type ProxyContext, type RouterLimits } from './proxy-context.js';
import { RequestLogBatcher } from './request-log-batcher.js';
import type { RouteTable } from './route-table.js';
import type { RequestCounter } from './request-counter.js';
import type { RequestTracer } from './request-tracer.js';
import { createTlsServer, type CertificateSource, type TlsListener } from './tls-listener.js';

export interface RouterDeps {
  table: RouteTable;
  logs: LogBus;
  logger: Logger;
  /** How long a backend may take to start its response before the client gets T12 (504). Default 30 s. */
  requestTimeoutMs?: number;
  /** How long close() lets requests in flight finish before cutting them. Default 10 s. */
  closeTimeoutMs?: number;
  /** Other limits and timeouts (DEFAULT_LIMITS in proxy-context.ts, documented in docs/router.md). */
  limits?: Partial<RouterLimits>;
  /** ACME HTTP-01 key authorizations by token, which the plain port answers (certs/acme-renewer.ts fills it). */
  challenges?: ReadonlyMap<string, string>;
  /** Where each request is counted for /metrics (src/telemetry/); none when telemetry is off. */
  counters?: RequestCounter;
  /** Spans of requests, with a traceparent for the app (src/telemetry/otlp/); none unless OTLP is on. */
  tracer?: RequestTracer;
}

/**
 * @example
 * const router = new Router({ table, logs, logger });
 * const port = await router.listen(5000, '127.0.0.1');
 * // ... curl -H 'Host: hello.localhost' http://127.0.0.1:5000/
 * table.removeBackend('hello', 'p1'); await router.drain('p1'); // then SIGTERM the process
 * await router.close();
 */
export class Router {
  private readonly server: net.Server;
  /** The https port's server, once listenTls was called. */
  private tls: TlsListener | undefined;
  private readonly pool = new BackendPool();
  private readonly context: ProxyContext;
  private readonly closeTimeoutMs: number;
  private readonly connections = new Set<ClientConnection>();
  private readonly sweeper: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  constructor(deps: RouterDeps) {
    this.closeTimeoutMs = deps.closeTimeoutMs ?? 10_000;
    const limits: RouterLimits = { ...DEFAULT_LIMITS, ...deps.limits };
    if (deps.requestTimeoutMs !== undefined) limits.requestTimeoutMs = deps.requestTimeoutMs;
    this.context = {
      table: deps.table, logs: deps.logs, requestLog: new RequestLogBatcher(deps.logs), logger: deps.logger, pool: this.pool, limits, counters: deps.counters, tracer: deps.tracer,
      isClosing: () => this.closing !== undefined, challenges: deps.challenges, httpsPort: 0,
    };
    // allowHalfOpen: a client may send its requests and FIN, and still read the answers. pauseOnConnect:
    // a connection is read through a socket of its own (client-socket.ts), from its first byte.
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => this.onConnection(socket));
    this.server.on('error', (error) => deps.logger.error({ err: error }, 'router: server error'));
    // One timer checks every connection's deadline instead of a timer per request: timers cost more than the check.
    const shortest = Math.min(limits.requestTimeoutMs, limits.headersTimeoutMs, limits.idleTimeoutMs, limits.activityTimeoutMs);
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1000, shortest / 4)));
    this.sweeper.unref();
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host);
  }

  /** Starts the https port (tls-listener.ts): TLS is taken off, then requests go the same way as plain ones. */
  async listenTls(port: number, host: string, certificates: CertificateSource): Promise<number> {
    const logger = this.context.logger;
    // A handshake gets as long as a request head: both are what a slow client drips before any request.
    this.tls = await createTlsServer(certificates, this.context.limits.headersTimeoutMs, (socket) => this.onConnection(socket),
      (error) => logger.debug({ err: error }, 'router: TLS handshake failed'));
    this.context.httpsPort = await listenOn(this.tls.server, port, host);
    return this.context.httpsPort;
  }

  /** Requests in flight to a backend (by its id); upgraded connections (websockets) are not counted. */
  inFlight(backendId: string): number {
    return this.pool.inFlight(backendId);
  }

  /** Client connections open, requests being served on them, and websocket tunnels per app: read at scrape time. */
  gauges(): { connections: number; requests: number; tunnels: Map<string, number> } {
    let requests = 0;
    const tunnels = new Map<string, number>();
    for (const connection of this.connections) {
      if (connection.busy) requests += 1;
      if (connection.tunnel) tunnels.set(connection.tunnel.appName, (tunnels.get(connection.tunnel.appName) ?? 0) + 1);
    }
    return { connections: this.connections.size, requests, tunnels };
  }

  /**
   * For the fleet, after `table.removeBackend`: closes the backend's idle keep-alive sockets now and the
   * busy ones as their requests finish; resolves true once no request is in flight to it, or false when
   * `timeoutMs` passed first. Tunnels (websockets) are not waited for: they end with the process.
   */
  async drain(backendId: string, timeoutMs = this.closeTimeoutMs): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const drained = await Promise.race([this.pool.drain(backendId).then(() => true as const), timedOut]);
    clearTimeout(timer);
    return drained;
  }

  /**
   * Stops accepting connections and closes idle keep-alive ones; requests in flight may finish until the
   * deadline, then every connection, tunnel and backend socket is cut.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const serverClosed = Promise.all([this.server, this.tls?.server].map((server) => new Promise<void>((resolve) => {
      if (server) server.close(() => resolve());
      else resolve();
    })));
    for (const connection of this.connections) if (!connection.busy && !connection.tunnel) connection.end();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      this.noRequestInFlight(),
      new Promise<void>((resolve) => { deadline = setTimeout(resolve, this.closeTimeoutMs); }),
    ]);
    clearTimeout(deadline);
    // Connections already ending flush their last response and close on their own.
    for (const connection of this.connections) if (connection.busy || connection.tunnel || !connection.ending) connection.destroy();
    this.tls?.cutHandshakes();
    this.pool.destroyAll();
    clearInterval(this.sweeper);
    // An ending connection that never finishes (a peer that stopped reading its last response) must not
    // hold twelve's stop for ever: after another deadline, every connection left is cut.
    if (!await settlesWithin(serverClosed, this.closeTimeoutMs)) {
      for (const connection of this.connections) connection.destroy();
      this.tls?.cutHandshakes();
      await settlesWithin(serverClosed, this.closeTimeoutMs);
    }
    // The lines of the last requests, before the log bus closes after the router.
    this.context.requestLog.flush();
  }

  private noRequestInFlight(): Promise<void> {
    if (![...this.connections].some((connection) => connection.busy)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onConnection(socket: net.Socket): void {
    const connection = new ClientConnection(this.context, socket, (gone) => {
      this.connections.delete(gone);
      this.checkIdle();
    });
    this.connections.add(connection);
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if ([...this.connections].some((connection) => connection.busy)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) {
      if (connection.deadline !== 0 && connection.deadline <= now) {
        try {
          connection.onDeadline();
        } catch (error) {
          // A bug in the proxy must cost one connection, not the router.
          this.context.logger.error({ err: error }, 'router: timing out a connection failed');
          connection.destroy();
        }
      }
    }
    if (this.closing) this.checkIdle();
  }
}

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new TwelveError('INVALID_SETTING', `the router cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { host, port, code: error.code }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Whether `promise` settles within `ms`: the timer keeps the process alive while it waits. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); })]);
  clearTimeout(timer);
  return settled;
}
