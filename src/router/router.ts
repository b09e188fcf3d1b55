/**
 * The router: twelve's one public port. Owns the HTTP server and the keep-alive agent to the backends,
 * hands each request to the HTTP or upgrade proxy, and shuts down without cutting requests in flight.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { TwelveError } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import type { ProxyContext } from './proxy-context.js';
import { proxyRequest } from './proxy-request.js';
import { proxyUpgrade } from './proxy-upgrade.js';
import type { RouteTable } from './route-table.js';

export interface RouterDeps {
  table: RouteTable;
  logs: LogBus;
  logger: Logger;
  /** How long a backend may take to start its response before the client gets T12 (504). Default 30 s. */
  requestTimeoutMs?: number;
  /** How long close() lets requests in flight finish before cutting them. Default 10 s. */
  closeTimeoutMs?: number;
}

/**
 * @example
 * const router = new Router({ table, logs, logger });
 * const port = await router.listen(5000, '127.0.0.1');
 * // ... curl -H 'Host: hello.localhost' http://127.0.0.1:5000/
 * await router.close();
 */
export class Router {
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly context: ProxyContext;
  private readonly closeTimeoutMs: number;
  private readonly inFlight = new Set<ServerResponse>();
  /** Client sockets of upgrade requests, from the handshake until they close. */
  private readonly tunnels = new Set<Duplex>();
  private readonly drainWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  constructor(deps: RouterDeps) {
    this.closeTimeoutMs = deps.closeTimeoutMs ?? 10_000;
    this.context = {
      table: deps.table,
      logs: deps.logs,
      logger: deps.logger,
      agent: this.agent,
      requestTimeoutMs: deps.requestTimeoutMs ?? 30_000,
      isClosing: () => this.closing !== undefined,
    };
    // No limit on receiving a whole request: uploads may stream for long; headers still must arrive in time.
    this.server = http.createServer({ requestTimeout: 0 }, (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('error', (error) => deps.logger.error({ err: error }, 'router: server error'));
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(new TwelveError('INVALID_SETTING', `the router cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { host, port, code: error.code }));
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
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
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drained(),
      new Promise<void>((resolve) => { deadline = setTimeout(resolve, this.closeTimeoutMs); }),
    ]);
    clearTimeout(deadline);
    this.server.closeAllConnections();
    for (const socket of this.tunnels) socket.destroy();
    this.agent.destroy();
    await serverClosed;
  }

  private drained(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight.add(res);
    res.on('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
    });
    try {
      proxyRequest(this.context, req, res);
    } catch (error) {
      // A bug in the proxy must cost one request, not the router.
      this.context.logger.error({ err: error, url: req.url }, 'router: proxying a request failed');
      res.destroy();
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.tunnels.add(socket);
    socket.on('close', () => this.tunnels.delete(socket));
    try {
      proxyUpgrade(this.context, req, socket, head);
    } catch (error) {
      this.context.logger.error({ err: error, url: req.url }, 'router: proxying an upgrade failed');
      socket.destroy();
    }
  }
}
