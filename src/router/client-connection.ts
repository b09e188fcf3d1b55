/**
 * One client connection on the raw socket: reads request heads one after the other (keep-alive and
 * pipelining), hands each request to an Exchange, and holds the bytes that follow until the exchange
 * wants them. Requests on one connection are served in order, each routed by its own Host header.
 */
import type { Socket } from 'node:net';
import { type RouterErrorCode, ROUTER_ERRORS } from './error-pages.js';
import { readClientSocket } from './client-socket.js';
import { Exchange } from './exchange.js';
import { clientAddress, requestIdFrom } from './forward-headers.js';
import { hasBareCrOrLf, headEnd } from './http-syntax.js';
import { writeErrorPage, type ProxyContext } from './proxy-context.js';
import { isHeadError, parseRequestHead } from './request-head.js';

export class ClientConnection {
  /** Bytes received and not yet consumed: the next request head, or body bytes the exchange has not taken. */
  pending: Buffer | undefined;
  exchange: Exchange | undefined;
  /** Set once the connection became a tunnel (after a 101): bytes go straight to the backend. */
  tunnel: Exchange | undefined;
  /** When the current wait runs out (Date.now() based); 0 for none. */
  deadline = 0;
  readonly client: string;
  readonly routerPort: number;
  /** `https` for a connection the TLS listener accepted (tls-listener.ts). */
  readonly protocol: 'http' | 'https';
  /** The client sent FIN: answer what was asked, then close. */
  ended = false;
  private closed = false;
  /** How far into `pending` a partial head was checked for bare CR/LF. */
  private scanned = 0;
  private readonly readPaused = { byBackend: false, byPending: false };

  readonly socket: Socket;

  /** `accepted` comes paused from the server (see client-socket.ts). */
  constructor(readonly context: ProxyContext, accepted: Socket, private readonly onClose: (connection: ClientConnection) => void) {
    this.protocol = (accepted as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
    const socket = readClientSocket(accepted, (chunk) => {
      try {
        this.onData(chunk);
      } catch (error) {
        // A bug in the proxy must cost one connection, not the router.
        context.logger.error({ err: error }, 'router: handling client bytes failed');
        this.destroy();
      }
    });
    this.socket = socket;
    this.client = clientAddress(socket.remoteAddress);
    this.routerPort = socket.localPort ?? 0;
    socket.setNoDelay(true);
    socket.on('drain', () => this.exchange?.onClientDrain() ?? this.tunnel?.onClientDrain());
    socket.on('end', () => this.onEnd());
    socket.on('error', () => {});
    socket.on('close', () => this.onSocketClose());
    this.deadline = Date.now() + context.limits.idleTimeoutMs;
  }

  /** Whether end() was called: the last response is flushing. */
  get ending(): boolean {
    return this.closed;
  }

  /** Whether a request is being served (a tunnel is not a request in flight). */
  get busy(): boolean {
    return this.exchange !== undefined;
  }

  private onData(chunk: Buffer): void {
    if (this.tunnel) return this.tunnel.fromClient(chunk);
    const exchange = this.exchange;
    if (!exchange) {
      this.hold(chunk);
      return this.next();
    }
    if (exchange.wantsBody && this.pending === undefined) {
      const used = exchange.bodyFromClient(chunk, 0);
      if (used < chunk.length && !this.closed) this.hold(chunk.subarray(used));
      return;
    }
    this.hold(chunk);
    if (exchange.wantsBody) exchange.drainPending();
  }

  /** Keeps bytes for later; stops reading when too many wait (a pipelining client must wait its turn). */
  private hold(chunk: Buffer): void {
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.exchange && this.pending.length > this.context.limits.maxHeadBytes) this.pauseReading('byPending');
  }

  /** Takes the held bytes (the exchange is ready for its body, or the tunnel opened). */
  takePending(): Buffer | undefined {
    const pending = this.pending;
    this.pending = undefined;
    this.scanned = 0;
    this.resumeReading('byPending');
    return pending;
  }

  /** Puts back bytes the exchange did not use (they start the next request). */
  unshift(rest: Buffer): void {
    this.pending = this.pending === undefined ? rest : Buffer.concat([rest, this.pending]);
  }

  pauseReading(reason: 'byBackend' | 'byPending'): void {
    this.readPaused[reason] = true;
    this.socket.pause();
  }

  resumeReading(reason: 'byBackend' | 'byPending'): void {
    this.readPaused[reason] = false;
    if (!this.readPaused.byBackend && !this.readPaused.byPending && !this.closed) this.socket.resume();
  }

  /** Parses the next request head out of `pending` and starts its exchange. */
  private next(): void {
    if (this.closed || this.exchange || this.tunnel) return;
    let pending = this.pending;
    // RFC 9112 2.2: empty lines before a request line are ignored.
    let start = 0;
    while (pending !== undefined && start + 1 < pending.length && pending[start] === 13 && pending[start + 1] === 10) start += 2;
    if (pending !== undefined && start > 0) {
      pending = start < pending.length ? pending.subarray(start) : undefined;
      this.pending = pending;
      this.scanned = 0;
    }
    const limits = this.context.limits;
    if (pending === undefined || pending.length === 0) {
      this.pending = undefined;
      if (this.ended) return this.end();
      this.deadline = Date.now() + limits.idleTimeoutMs;
      if (this.context.isClosing()) this.end();
      return;
    }
    const end = headEnd(pending, 0);
    if (end === -1) {
      if (pending.length > limits.maxHeadBytes) return this.refuse('T18', 'request head too large');
      if (hasBareCrOrLf(pending, Math.max(0, this.scanned - 1), pending.length)) return this.refuse('T16', 'bare CR or LF');
      if (this.scanned === 0) this.deadline = Date.now() + limits.headersTimeoutMs;
      this.scanned = pending.length;
      if (this.ended) this.refuse('T16', 'connection ended inside a request head');
      return;
    }
    if (end + 4 > limits.maxHeadBytes) return this.refuse('T18', 'request head too large');
    const head = parseRequestHead(pending, 0, end, limits);
    if (isHeadError(head)) return this.refuse(head.code, head.error);
    this.pending = end + 4 < pending.length ? pending.subarray(end + 4) : undefined;
    this.scanned = 0;
    const exchange = new Exchange(this, head);
    this.exchange = exchange;
    exchange.start();
  }

  /** The exchange is over; `keepOpen` says whether the connection may carry the next request. */
  exchangeDone(exchange: object, keepOpen: boolean): void {
    if (this.exchange !== exchange) return;
    this.exchange = undefined;
    this.resumeReading('byBackend');
    if (!keepOpen || this.context.isClosing() && this.pending === undefined) return this.end();
    this.resumeReading('byPending');
    this.next();
  }

  /** The exchange turned the connection into a tunnel (the backend answered 101). */
  becomeTunnel(exchange: Exchange): void {
    this.exchange = undefined;
    this.tunnel = exchange;
    this.deadline = 0;
    this.resumeReading('byBackend');
  }

  /** Answers a request that cannot be served with an error page and closes the connection. */
  private refuse(code: RouterErrorCode, reason: string): void {
    this.context.logger.debug({ client: this.client, code, reason }, 'router: request refused');
    writeErrorPage(this.socket, code, `${ROUTER_ERRORS[code].desc}: ${reason}.`, { requestId: requestIdFrom(undefined), close: true, head: false });
    this.end();
  }

  /** The deadline passed: an idle connection closes, a partial head gets a 408, an exchange decides for itself. */
  onDeadline(): void {
    this.deadline = 0;
    if (this.exchange) return this.exchange.onTimeout();
    if (this.pending !== undefined && this.pending.length > 0) return this.refuse('T19', 'request head not received in time');
    this.destroy();
  }

  /** Ends the connection after what was written; stops reading. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.deadline = 0;
    this.pending = undefined;
    this.socket.pause();
    this.socket.end();
    // A client that never closes its side must not hold the socket forever.
    this.socket.setTimeout(5_000, () => this.socket.destroy());
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onEnd(): void {
    this.ended = true;
    if (this.tunnel) return this.tunnel.onClientEnd();
    if (this.exchange) return this.exchange.onClientEnd();
    this.next();
  }

  private onSocketClose(): void {
    this.closed = true;
    this.deadline = 0;
    const current = this.exchange ?? this.tunnel;
    this.exchange = undefined;
    this.tunnel = undefined;
    current?.onClientClose();
    this.onClose(this);
  }
}
