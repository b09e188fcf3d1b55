/**
 * The upgrade proxy (websockets and any other `Upgrade:` protocol): forward the upgrade request, and once
 * the backend answers 101, pipe the two raw sockets into each other until either side closes.
 */
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Backend } from './route-table.js';
import { normalizeHost } from './route-table.js';
import { errorMessages, reasonPhrase, renderErrorPage, ROUTER_ERRORS, type RouterErrorCode } from './error-pages.js';
import { forwardedRequestHeaders, forwardedResponseHeaders, requestIdFrom } from './forward-headers.js';
import { canRetry, logRequest, MAX_ATTEMPTS, since, type ProxyContext } from './proxy-context.js';
import type { RequestLogEntry } from './request-log.js';

/** Writes a response head on a raw socket; the socket speaks plain HTTP/1.1 until the upgrade. */
function writeHead(socket: Duplex, status: number, message: string, headers: readonly string[]): void {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  socket.write(`${head}\r\n`);
}

function sendErrorPage(socket: Duplex, req: IncomingMessage, code: RouterErrorCode, message: string, requestId: string): number {
  const page = renderErrorPage(code, message, { accept: req.headers.accept, requestId });
  page.headers['connection'] = 'close';
  if (socket.writable) {
    writeHead(socket, page.status, reasonPhrase(page.status), Object.entries(page.headers).flat());
    socket.end(page.body);
  } else {
    socket.destroy();
  }
  return page.body.length;
}

/** Joins two sockets both ways; when either closes, the other goes too. */
function tunnel(client: Duplex, backend: Duplex): void {
  backend.on('error', () => backend.destroy());
  client.on('close', () => backend.destroy());
  backend.on('close', () => client.destroy());
  client.pipe(backend);
  backend.pipe(client);
}

/**
 * Proxies one upgrade request. `client` is the raw socket from the server's 'upgrade' event; `head` the
 * first bytes of the new protocol that arrived with the request. The caller tracks `client` to end it on close.
 */
export function proxyUpgrade(context: ProxyContext, req: IncomingMessage, client: Duplex, head: Buffer): void {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  const host = normalizeHost(req.headers.host);
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  client.on('error', () => client.destroy());

  const route = context.table.lookup(req.headers.host);
  if (!route) {
    context.logger.debug({ host, method, path, requestId }, 'router: no app answers to this host (upgrade)');
    sendErrorPage(client, req, 'T10', errorMessages.noSuchApp(host), requestId);
    return;
  }
  const app = route.app;
  const { headers, fwd } = forwardedRequestHeaders(req, { requestId, routerPort: req.socket.localPort ?? 0, upgrade: true });
  const log: RequestLogEntry = { method, path, host, requestId, fwd, dyno: '', connectMs: 0, serviceMs: 0, status: 0, bytes: 0 };
  const tried = new Set<string>();
  let upstream: http.ClientRequest | undefined;
  let connectedAt: number | undefined;
  let settled = false;

  // One line per upgrade, written when the handshake is answered (or fails): a tunnel can stay open for hours.
  const finish = (code?: RouterErrorCode): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    log.serviceMs = connectedAt === undefined ? 0 : since(connectedAt);
    logRequest(context, app, code ? { ...log, code } : log);
  };
  const fail = (code: RouterErrorCode, message: string): void => {
    log.status = ROUTER_ERRORS[code].status;
    log.bytes = sendErrorPage(client, req, code, message, requestId);
    finish(code);
  };

  const timer = setTimeout(() => {
    if (settled) return;
    const current = upstream;
    fail('T12', errorMessages.timeout(app, context.requestTimeoutMs));
    current?.destroy();
  }, context.requestTimeoutMs);

  client.on('close', () => {
    if (settled) return;
    log.status = ROUTER_ERRORS.T15.status;
    finish('T15');
    upstream?.destroy();
  });

  const attempt = (backend: Backend): void => {
    tried.add(backend.id);
    log.dyno = backend.process;
    const attemptStarted = performance.now();
    // A fresh connection: it becomes the tunnel, so it must never go back to a keep-alive pool.
    const request = http.request({ agent: false, host: '127.0.0.1', port: backend.port, method, path, headers });
    upstream = request;
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        connectedAt = performance.now();
        log.connectMs = connectedAt - attemptStarted;
      });
    });
    request.end();

    request.on('upgrade', (backendRes, backendSocket, backendHead) => {
      if (upstream !== request || settled) {
        backendSocket.destroy();
        return;
      }
      log.status = backendRes.statusCode ?? 101;
      writeHead(client, log.status, backendRes.statusMessage || 'Switching Protocols', forwardedResponseHeaders(backendRes.rawHeaders, requestId, { upgrade: true }));
      if (backendHead.length > 0) client.write(backendHead);
      if (head.length > 0) backendSocket.write(head);
      finish();
      tunnel(client, backendSocket);
    });

    // The backend declined to switch protocols: relay its answer as a plain response and close.
    request.on('response', (backendRes) => {
      backendRes.on('error', () => client.destroy());
      if (upstream !== request || settled) {
        backendRes.resume();
        return;
      }
      log.status = backendRes.statusCode ?? 502;
      const responseHeaders = forwardedResponseHeaders(backendRes.rawHeaders, requestId);
      // The body arrives de-chunked, so it is delimited by closing the connection.
      writeHead(client, log.status, backendRes.statusMessage || http.STATUS_CODES[log.status] || '', [...responseHeaders, 'Connection', 'close']);
      backendRes.on('data', (chunk: Buffer) => { log.bytes += chunk.length; });
      backendRes.on('end', () => finish());
      backendRes.pipe(client);
    });

    request.on('error', (error: NodeJS.ErrnoException) => {
      if (upstream !== request || settled) return;
      const retryable = tried.size < MAX_ATTEMPTS && canRetry(error, { reusedSocket: false, bodyConsumed: false, responded: false });
      const next = retryable ? context.table.pick(app, tried) : undefined;
      context.logger.debug({ app, dyno: backend.process, code: error.code, retry: next?.process, requestId }, 'router: backend upgrade failed');
      if (next) attempt(next);
      else fail('T13', errorMessages.backendError(app));
    });
  };

  const first = route.backends.length > 0 ? context.table.pick(app) : undefined;
  if (first) attempt(first);
  else fail('T11', errorMessages.noWebProcess(app));
}
