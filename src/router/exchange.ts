/**
 * One request and its response through the router: pick a backend, write the rewritten head and the
 * body as it arrives to a pooled keep-alive socket, read the response head, write the client's head and
 * relay the body bytes as they come, then give the socket back. Retries once when the backend cannot
 * have seen the request; a 101 turns the connection into a tunnel. Logs one router line.
 */
import type { BackendOwner } from './backend-pool.js';
import { ChunkedFramer, LengthFramer, UntilCloseFramer } from './body-framer.js';
import { errorMessages, ROUTER_ERRORS } from './error-pages.js';
import { ExchangeOutcome } from './exchange-outcome.js';
import { backendRequestHead, clientResponseHead, fieldValue, joinHead } from './forward-headers.js';
import { canRetry, MAX_ATTEMPTS } from './proxy-context.js';
import { readResponseHead, type ResponseHead } from './response-head.js';
import { challengeToken, HSTS_HEADER, httpsLocation } from './https-policy.js';
import { normalizeHost, type Backend, type HttpsPolicy } from './route-table.js';

export class Exchange extends ExchangeOutcome implements BackendOwner {
  private requestText = '';
  /** Body bytes sent with the head: a retry sends them again. */
  private firstBody: Buffer | undefined;
  private sent = false;
  private bodyStreamed = false;
  private readonly tried = new Set<string>();
  private reused = false;
  private backendPaused = false;
  private attemptStarted = 0;
  private responseBuf: Buffer | undefined;
  private keepClient = false;
  private tunnelOpen = false;
  /** Header lines the router adds to the response (HSTS). */
  private extraHead = '';


  start(): void {
    const { context } = this.conn;
    const head = this.head;
    // Checked only while an ACME order waits for its challenge: the plain hot path pays one size test.
    if (context.challenges !== undefined && context.challenges.size > 0 && this.conn.protocol === 'http' && this.answerChallenge(context.challenges)) return;
    const route = context.table.lookup(head.host);
    if (!route) {
      const host = normalizeHost(head.host);
      context.logger.debug({ host, method: head.method, path: head.target, requestId: this.requestId }, 'router: no app answers to this host');
      return this.answerError('T10', errorMessages.noSuchApp(host));
    }
    this.app = route.app;
    this.span = context.tracer?.start(fieldValue(head.fields, 'traceparent'), head.method, normalizeHost(head.host), head.target);
    const { text, fwd } = backendRequestHead(head, {
      requestId: this.requestId, client: this.conn.client, routerPort: this.conn.routerPort, protocol: this.conn.protocol, traceparent: this.span?.traceparent,
    });
    this.requestText = text;
    this.log = { method: head.method, path: head.target, host: normalizeHost(head.host), requestId: this.requestId, fwd, dyno: '', connectMs: 0, serviceMs: 0, status: 0, bytes: 0, protocol: this.conn.protocol };
    if (route.https !== undefined && this.applyHttpsPolicy(route.https)) return;
    if (head.contentLength > context.limits.maxBodyBytes) return this.answerError('T17', `The request body is over ${context.limits.maxBodyBytes} bytes.`);
    this.conn.deadline = Date.now() + context.limits.requestTimeoutMs;
    const first = route.backends.length > 0 ? context.table.pick(this.app) : undefined;
    if (first) this.attempt(first);
    else this.answerError('T11', errorMessages.noWebProcess(this.app));
  }

  /** The plain port answers an ACME HTTP-01 challenge it holds the key authorization for, whatever the host. */
  private answerChallenge(challenges: ReadonlyMap<string, string>): boolean {
    const token = challengeToken(this.head.target);
    const keyAuthorization = token === undefined ? undefined : challenges.get(token);
    if (keyAuthorization === undefined) return false;
    this.answerOwn(200, '', keyAuthorization);
    return true;
  }

  /** force-https: a plain request is sent to https (308 keeps the method and body); HSTS rides on https answers. */
  private applyHttpsPolicy(policy: HttpsPolicy): boolean {
    if (this.conn.protocol === 'https') {
      if (policy.hsts) this.extraHead = HSTS_HEADER;
      return false;
    }
    if (!policy.forceHttps || challengeToken(this.head.target) !== undefined) return false;
    const location = httpsLocation(this.head.host ?? '', this.head.target, this.conn.context.httpsPort);
    this.answerOwn(308, `Location: ${location}\r\n`, `Redirecting to ${location}\n`);
    return true;
  }

  private attempt(backend: Backend): void {
    this.tried.add(backend.id);
    this.log!.dyno = backend.process;
    this.attemptStarted = performance.now();
    const socket = this.conn.context.pool.acquire(backend, this);
    this.backend = socket;
    this.reused = socket.reused;
    if (socket.connected) this.onBackendConnect();
  }

  onBackendConnect(): void {
    const backend = this.backend;
    if (this.finished || !backend) return;
    this.connectedAt = performance.now();
    this.log!.connectMs = this.connectedAt - this.attemptStarted;
    const framer = this.framer;
    if (!this.sent) {
      this.sent = true;
      const pending = framer ? this.conn.takePending() : undefined;
      if (pending !== undefined) {
        const used = framer!.feed(pending, 0);
        if (framer!.error) return this.badBody(framer!.error);
        if (used > 0) this.firstBody = pending.subarray(0, used);
        if (used < pending.length) this.conn.unshift(pending.subarray(used));
      }
    }
    if (this.firstBody) backend.socket.write(joinHead(this.requestText, this.firstBody));
    else backend.socket.write(this.requestText, 'latin1');
    if (framer && !framer.done) {
      if (this.head.expectContinue && this.head.version === '1.1' && !this.firstBody) this.conn.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      this.wantsBody = true;
      this.drainPending();
      // The client finished sending while the backend connected, and the body it sent is not whole.
      if (this.wantsBody && this.conn.ended) this.onClientClose();
    }
  }

  /** Feeds body bytes the connection held while the backend was not ready. */
  drainPending(): void {
    const pending = this.conn.takePending();
    if (pending === undefined) return;
    const used = this.bodyFromClient(pending, 0);
    if (used < pending.length && !this.finished) this.conn.unshift(pending.subarray(used));
  }

  /** Forwards the body bytes in `chunk[start..]`; returns how many belonged to the body. */
  bodyFromClient(chunk: Buffer, start: number): number {
    const framer = this.framer!;
    const used = framer.feed(chunk, start);
    if (framer.error) {
      this.badBody(framer.error);
      return chunk.length - start;
    }
    if (framer.done) this.wantsBody = false;
    if (used > 0 && this.backend) {
      this.bodyStreamed = true;
      const bytes = start === 0 && used === chunk.length ? chunk : chunk.subarray(start, start + used);
      if (!this.backend.socket.write(bytes)) this.conn.pauseReading('byBackend');
    }
    return used;
  }

  onBackendDrain(): void {
    this.conn.resumeReading('byBackend');
  }

  onClientDrain(): void {
    if (this.backendPaused && this.backend) {
      this.backendPaused = false;
      this.backend.socket.resume();
    }
  }

  onBackendData(chunk: Buffer): void {
    if (this.tunnelOpen) return this.toClient(chunk);
    if (this.finished) return;
    if (this.response) return this.responseBody(chunk, 0);
    const buf = this.responseBuf === undefined ? chunk : Buffer.concat([this.responseBuf, chunk]);
    this.responseBuf = undefined;
    // Interim answers (103 Early Hints) go through; 100 Continue is the router's own to send.
    const read = readResponseHead(buf, this.head.method, (status, raw) => {
      if (status !== 100 && this.head.version === '1.1') this.conn.socket.write(raw);
    });
    if (typeof read === 'string') return this.backendBroke(read);
    if (read.head) this.onResponseHead(read.head, read.rest);
    else if (read.rest.length > 0) this.responseBuf = read.rest;
  }

  private onResponseHead(response: ResponseHead, rest: Buffer): void {
    const { context, socket } = this.conn;
    this.response = response;
    this.headAt = performance.now();
    this.log!.status = response.status;
    this.conn.deadline = Date.now() + context.limits.activityTimeoutMs;
    if (response.status === 101) {
      if (!this.head.upgrade) return this.backendBroke('101 to a request that asked for no upgrade');
      socket.write(clientResponseHead(response, this.requestId, undefined), 'latin1');
      if (rest.length > 0) socket.write(rest);
      this.tunnelOpen = true;
      context.pool.detach(this.backend!);
      this.conn.becomeTunnel(this);
      const pending = this.conn.takePending();
      if (pending !== undefined) this.backend!.socket.write(pending);
      this.writeLog(undefined);
      return;
    }
    this.keepClient = this.head.keepAlive && !this.head.upgrade && response.body !== 'close' && !context.isClosing();
    const connection = !this.keepClient ? 'close' : this.head.version === '1.0' ? 'keep-alive' : undefined;
    const body = response.body;
    this.responseFramer = body === 'length' ? new LengthFramer(response.contentLength) : body === 'chunked' ? new ChunkedFramer() : body === 'close' ? new UntilCloseFramer() : undefined;
    const headText = clientResponseHead(response, this.requestId, connection, this.extraHead);
    const framer = this.responseFramer;
    if (framer === undefined || rest.length === 0) {
      socket.write(headText, 'latin1');
      if (framer === undefined || framer.done) this.complete();
      return;
    }
    // Head and the first body bytes in one write: one syscall for a small response.
    const used = framer.feed(rest, 0);
    if (framer.error) return this.backendBroke(framer.error);
    if (used < rest.length) response.keepAlive = false;
    this.toClient(used > 0 ? joinHead(headText, rest.subarray(0, used)) : Buffer.from(headText, 'latin1'));
    if (framer.done) this.complete();
  }

  private responseBody(chunk: Buffer, start: number): void {
    const framer = this.responseFramer!;
    const used = framer.feed(chunk, start);
    if (framer.error) return this.backendBroke(framer.error);
    if (used > 0) {
      this.toClient(start === 0 && used === chunk.length ? chunk : chunk.subarray(start, start + used));
      this.conn.deadline = Date.now() + this.conn.context.limits.activityTimeoutMs;
    }
    if (framer.done) {
      // Bytes past the end of the framed body: the backend's framing is off, so its socket is not reused.
      if (start + used < chunk.length) this.response!.keepAlive = false;
      this.complete();
    }
  }

  private toClient(bytes: Buffer): void {
    if (!this.conn.socket.write(bytes) && this.backend) {
      this.backendPaused = true;
      this.backend.socket.pause();
    }
  }

  /** The response went out whole. */
  private complete(): void {
    if (this.finished) return;
    const requestDone = this.framer === undefined || this.framer.done;
    const backend = this.backend;
    this.backend = undefined;
    if (backend) {
      if (this.backendPaused) backend.socket.resume();
      this.conn.context.pool.release(backend, this.response!.keepAlive && requestDone);
    }
    this.log!.bytes = this.responseFramer?.dataBytes ?? 0;
    this.finish(undefined, this.keepClient && requestDone);
  }

  onBackendClose(error: NodeJS.ErrnoException | undefined): void {
    this.backend = undefined;
    if (this.tunnelOpen) return this.conn.destroy();
    if (this.finished) return;
    if (this.response) {
      if (this.responseFramer instanceof UntilCloseFramer) return this.complete();
      return this.cut('T14');
    }
    this.wantsBody = false;
    if (this.tried.size < MAX_ATTEMPTS && canRetry(error, { reused: this.reused, bodyStreamed: this.bodyStreamed })) {
      const next = this.conn.context.table.pick(this.app, this.tried);
      this.conn.context.logger.debug({ app: this.app, code: error?.code, retry: next?.process, requestId: this.requestId }, 'router: backend request failed');
      if (next) {
        this.conn.context.counters?.retried(this.app);
        return this.attempt(next);
      }
    }
    this.answerError('T13', errorMessages.backendError(this.app));
  }

  /** The backend sent something that is not HTTP: 502 if nothing went out yet, else cut. */
  private backendBroke(reason: string): void {
    this.conn.context.logger.debug({ app: this.app, reason, requestId: this.requestId }, 'router: backend response not relayable');
    this.dropBackend();
    if (this.response && this.response.status !== 101) this.cut('T14');
    else this.answerError('T13', errorMessages.backendError(this.app));
  }

  /** The request body broke its framing or the size limit. */
  private badBody(reason: string): void {
    this.wantsBody = false;
    this.dropBackend();
    const code = reason === 'body too large' ? 'T17' : 'T16';
    if (this.response) this.cut(code);
    else this.answerError(code, `${ROUTER_ERRORS[code].desc}: ${reason}.`, true);
  }

  /** The connection's deadline passed while this exchange held it. */
  onTimeout(): void {
    if (this.finished) return;
    this.dropBackend();
    this.wantsBody = false;
    if (this.response) this.cut('T14');
    else this.answerError('T12', errorMessages.timeout(this.app, this.conn.context.limits.requestTimeoutMs), true);
  }

  onClientEnd(): void {
    if (this.tunnelOpen) this.backend?.socket.end();
    else if (this.wantsBody) this.onClientClose();
  }

  onClientClose(): void {
    if (this.tunnelOpen) return void this.backend?.socket.destroy();
    if (this.finished) return;
    this.dropBackend();
    this.cut('T15');
  }

  fromClient(chunk: Buffer): void {
    if (this.backend && !this.backend.socket.write(chunk)) this.conn.pauseReading('byBackend');
  }
}
