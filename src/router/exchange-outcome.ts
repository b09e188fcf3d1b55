/**
 * How an exchange ends, whatever went on before: the router's own error page, a cut connection when the
 * status already went out, or a whole response; each way writes the one router log line and hands the
 * client connection back. Exchange (exchange.ts) holds the flow; this holds the state both share.
 */
import type { Socket } from 'node:net';
import type { BackendSocket } from './backend-pool.js';
import { ChunkedFramer, LengthFramer, type BodyFramer } from './body-framer.js';
import { ROUTER_ERRORS, type RouterErrorCode } from './error-pages.js';
import { fieldValue, requestIdFrom } from './forward-headers.js';
import { writeSmallAnswer } from './https-policy.js';
import { logRequest, writeErrorPage, type ProxyContext } from './proxy-context.js';
import type { RequestHead } from './request-head.js';
import type { RequestLogEntry } from './request-log.js';
import type { RequestSpan } from './request-tracer.js';
import type { ResponseHead } from './response-head.js';

/**
 * What an exchange uses of the client connection that hands it the request (ClientConnection, in
 * client-connection.ts, which makes the exchanges and so is the one that imports them).
 */
export interface ExchangeConnection {
  readonly context: ProxyContext;
  readonly socket: Socket;
  readonly client: string;
  readonly routerPort: number;
  readonly protocol: 'http' | 'https';
  /** The client sent FIN. */
  readonly ended: boolean;
  /** When the current wait runs out (Date.now() based); 0 for none. */
  deadline: number;
  takePending(): Buffer | undefined;
  unshift(rest: Buffer): void;
  pauseReading(reason: 'byBackend' | 'byPending'): void;
  resumeReading(reason: 'byBackend' | 'byPending'): void;
  exchangeDone(exchange: object, keepOpen: boolean): void;
  /** The backend answered 101: the connection's bytes go to this exchange from now on. */
  becomeTunnel(exchange: ExchangeOutcome): void;
  destroy(): void;
}

export abstract class ExchangeOutcome {
  /** The client's body bytes go to the backend as they arrive. */
  wantsBody = false;
  protected readonly requestId: string;
  protected app = '';
  /** Set once the host named an app: only then is there a log line to write. */
  protected log: RequestLogEntry | undefined;
  protected readonly framer: BodyFramer | undefined;
  protected backend: BackendSocket | undefined;
  protected connectedAt: number | undefined;
  protected response: ResponseHead | undefined;
  protected responseFramer: BodyFramer | undefined;
  protected finished = false;
  private logged = false;
  /** performance.now() at the start and when the process's response head came (0: none came), for /metrics. */
  protected readonly startedAt = performance.now();
  protected headAt = 0;
  /** The request's span, when tracing is on. */
  protected span: RequestSpan | undefined;

  constructor(protected readonly conn: ExchangeConnection, protected readonly head: RequestHead) {
    this.requestId = requestIdFrom(fieldValue(head.fields, 'x-request-id'));
    const maxBody = conn.context.limits.maxBodyBytes;
    this.framer = head.body === 'length' ? new LengthFramer(head.contentLength) : head.body === 'chunked' ? new ChunkedFramer(maxBody) : undefined;
  }

  /** The app the request was routed to ('' before the host named one). */
  get appName(): string {
    return this.app;
  }

  protected dropBackend(): void {
    const backend = this.backend;
    this.backend = undefined;
    if (!backend) return;
    backend.owner = undefined;
    backend.socket.destroy();
  }

  /** Ends the exchange with the status already out (or the client gone): the only signal left is a closed connection. */
  protected cut(code: RouterErrorCode): void {
    this.dropBackend();
    if (!this.response && this.log) this.log.status = ROUTER_ERRORS[code].status;
    if (this.log) this.log.bytes = this.responseFramer?.dataBytes ?? 0;
    this.finish(code, false);
    this.conn.destroy();
  }

  /** Answers with the router's own error page. */
  protected answerError(code: RouterErrorCode, message: string, forceClose = false): void {
    // An upgrade request's client may already be speaking the new protocol: its connection cannot carry another request.
    const close = forceClose || !this.head.keepAlive || this.head.upgrade || this.conn.context.isClosing() || (this.framer !== undefined && !this.framer.done);
    const bytes = writeErrorPage(this.conn.socket, code, message, {
      accept: fieldValue(this.head.fields, 'accept'), requestId: this.requestId, close, head: this.head.method === 'HEAD',
    });
    if (this.log) {
      this.log.status = ROUTER_ERRORS[code].status;
      this.log.bytes = bytes;
    }
    this.finish(code, !close);
  }

  /** Answers with a small response of the router's own (a redirect, an ACME key authorization). */
  protected answerOwn(status: 200 | 308, headers: string, body: string): void {
    const close = !this.head.keepAlive || this.head.upgrade || this.conn.context.isClosing() || (this.framer !== undefined && !this.framer.done);
    const bytes = writeSmallAnswer(this.conn.socket, { status, headers, body, close, head: this.head.method === 'HEAD', requestId: this.requestId });
    if (this.log) {
      this.log.status = status;
      this.log.bytes = bytes;
    }
    this.finish(undefined, !close);
  }

  protected finish(code: RouterErrorCode | undefined, keepOpen: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.wantsBody = false;
    this.writeLog(code);
    this.conn.exchangeDone(this, keepOpen);
  }

  protected writeLog(code: RouterErrorCode | undefined): void {
    if (this.logged || !this.log) return;
    this.logged = true;
    this.log.serviceMs = this.connectedAt === undefined ? 0 : performance.now() - this.connectedAt;
    logRequest(this.conn.context, this.app, code ? { ...this.log, code } : this.log);
    const counters = this.conn.context.counters;
    if (counters) {
      const now = performance.now();
      counters.record(this.app, this.log.dyno, this.log.status, code, this.headAt === 0 ? NaN : (this.headAt - this.startedAt) / 1000,
        (now - this.startedAt) / 1000, this.framer?.dataBytes ?? 0, this.log.bytes);
    }
    this.span?.end({
      app: this.app, dyno: this.log.dyno, status: this.log.status, code, requestId: this.requestId,
      firstByteMs: this.headAt === 0 ? NaN : this.headAt - this.startedAt, responseBytes: this.log.bytes,
    });
  }
}
