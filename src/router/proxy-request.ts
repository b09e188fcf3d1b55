/**
 * The HTTP proxy for one request: pick a backend, forward the request, stream both bodies without
 * buffering, retry once when the backend cannot have seen the request, and log one router line.
 */
import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Backend } from './route-table.js';
import { normalizeHost } from './route-table.js';
import { errorMessages, reasonPhrase, renderErrorPage, ROUTER_ERRORS, type RouterErrorCode } from './error-pages.js';
import { forwardedRequestHeaders, forwardedResponseHeaders, requestIdFrom } from './forward-headers.js';
import { canRetry, logRequest, MAX_ATTEMPTS, since, type ProxyContext } from './proxy-context.js';
import type { RequestLogEntry } from './request-log.js';

/** Sends a router error page as the whole response; returns the body size for the log line. */
function sendErrorPage(context: ProxyContext, req: IncomingMessage, res: ServerResponse, code: RouterErrorCode, message: string, requestId: string): number {
  const page = renderErrorPage(code, message, { accept: req.headers.accept, requestId });
  if (context.isClosing()) page.headers['connection'] = 'close';
  res.writeHead(page.status, reasonPhrase(page.status), page.headers);
  res.end(page.body);
  return page.body.length;
}

/** Proxies one request; every outcome, including a client or backend that goes away, ends here without throwing. */
export function proxyRequest(context: ProxyContext, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const requestId = requestIdFrom(req.headers['x-request-id']);
  const host = normalizeHost(req.headers.host);
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  // A client that aborts mid-body is handled by res 'close'; the error itself needs no report.
  req.on('error', () => {});

  const route = context.table.lookup(req.headers.host);
  if (!route) {
    context.logger.debug({ host, method, path, requestId }, 'router: no app answers to this host');
    sendErrorPage(context, req, res, 'T10', errorMessages.noSuchApp(host), requestId);
    return;
  }
  const app = route.app;
  const { headers, fwd } = forwardedRequestHeaders(req, { requestId, routerPort: req.socket.localPort ?? 0, upgrade: false });
  const log: RequestLogEntry = { method, path, host, requestId, fwd, dyno: '', connectMs: 0, serviceMs: 0, status: 0, bytes: 0 };
  const tried = new Set<string>();
  let upstream: ClientRequest | undefined;
  let connectedAt: number | undefined;
  let responded = false;
  let errorCode: RouterErrorCode | undefined;

  const fail = (code: RouterErrorCode, message: string): void => {
    errorCode = code;
    log.status = ROUTER_ERRORS[code].status;
    if (res.headersSent) res.destroy();
    else log.bytes = sendErrorPage(context, req, res, code, message, requestId);
  };

  const timer = setTimeout(() => {
    if (responded || errorCode) return;
    const current = upstream;
    if (current) req.unpipe(current);
    // Mark the failure first: destroying the backend request fires its 'error', which must not retry.
    fail('T12', errorMessages.timeout(app, context.requestTimeoutMs));
    current?.destroy();
  }, context.requestTimeoutMs);

  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished && !errorCode) {
      errorCode = 'T15';
      log.status = ROUTER_ERRORS.T15.status;
      upstream?.destroy();
    }
    log.serviceMs = connectedAt === undefined ? 0 : since(connectedAt);
    logRequest(context, app, errorCode ? { ...log, code: errorCode } : log);
  });

  const attempt = (backend: Backend): void => {
    tried.add(backend.id);
    log.dyno = backend.process;
    const attemptStarted = performance.now();
    const request = http.request({ agent: context.agent, host: '127.0.0.1', port: backend.port, method, path, headers });
    upstream = request;
    let bodyConsumed = false;

    // The body starts flowing only once the connection stands, so a refused connection leaves it unread for the retry.
    const sendBody = (): void => {
      if (upstream !== request || errorCode) return;
      connectedAt = performance.now();
      log.connectMs = connectedAt - attemptStarted;
      if (req.readableEnded) {
        request.end();
        return;
      }
      req.pipe(request);
      req.once('data', () => { bodyConsumed = true; });
    };
    request.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', sendBody);
      else sendBody();
    });

    request.on('response', (backendRes) => {
      backendRes.on('error', () => {});
      if (upstream !== request || errorCode) {
        backendRes.resume();
        return;
      }
      responded = true;
      clearTimeout(timer);
      log.status = backendRes.statusCode ?? 502;
      const responseHeaders = forwardedResponseHeaders(backendRes.rawHeaders, requestId);
      if (context.isClosing()) responseHeaders.push('Connection', 'close');
      try {
        res.writeHead(log.status, backendRes.statusMessage || http.STATUS_CODES[log.status] || '', responseHeaders);
      } catch (error) {
        // A header node's parser let through but its writer refuses: the answer cannot be relayed.
        context.logger.debug({ app, err: error, requestId }, 'router: backend response head not relayable');
        request.destroy();
        fail('T13', errorMessages.backendError(app));
        return;
      }
      backendRes.on('data', (chunk: Buffer) => { log.bytes += chunk.length; });
      backendRes.on('close', () => {
        // The backend went away mid-response: the status is out, so the only honest signal left is a cut connection.
        if (!backendRes.complete && !errorCode) {
          errorCode = 'T14';
          res.destroy();
        }
      });
      backendRes.pipe(res);
    });

    request.on('error', (error: NodeJS.ErrnoException) => {
      if (upstream !== request || errorCode || responded) return;
      req.unpipe(request);
      const retryable = tried.size < MAX_ATTEMPTS && canRetry(error, { reusedSocket: request.reusedSocket, bodyConsumed, responded });
      const next = retryable ? context.table.pick(app, tried) : undefined;
      context.logger.debug({ app, dyno: backend.process, code: error.code, retry: next?.process, requestId }, 'router: backend request failed');
      if (next) attempt(next);
      else fail('T13', errorMessages.backendError(app));
    });
  };

  const first = route.backends.length > 0 ? context.table.pick(app) : undefined;
  if (first) attempt(first);
  else fail('T11', errorMessages.noWebProcess(app));
}
