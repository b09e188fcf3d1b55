/**
 * The headers a proxied request and its response carry: hop-by-hop headers dropped, X-Forwarded-* and
 * X-Request-Id added the way Heroku's router does it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection, not the message (RFC 9110 7.6.1): never forwarded as they are. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Heroku's rule for a client-chosen request id. */
const VALID_REQUEST_ID = /^[A-Za-z0-9+/=-]{20,200}$/;

/** Keeps the client's X-Request-Id when it is a valid one, else makes a new one. */
export function requestIdFrom(value: string | string[] | undefined): string {
  return typeof value === 'string' && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The client's address as people write it: `127.0.0.1`, not `::ffff:127.0.0.1`. */
export function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Names to drop from a message: the hop-by-hop ones plus any its Connection header lists. */
function droppedNames(connection: string | string[] | undefined): Set<string> {
  const dropped = new Set(HOP_BY_HOP);
  const values = Array.isArray(connection) ? connection : connection ? [connection] : [];
  for (const value of values) {
    for (const token of value.split(',')) dropped.add(token.trim().toLowerCase());
  }
  return dropped;
}

function headerValue(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}

export interface ForwardContext {
  requestId: string;
  /** The router port the client connected to, for X-Forwarded-Port. */
  routerPort: number;
  /** Forward Connection: upgrade and the Upgrade header (for the upgrade proxy). */
  upgrade: boolean;
}

/** The headers for the request to the backend, and the X-Forwarded-For chain for the log line. */
export function forwardedRequestHeaders(req: IncomingMessage, context: ForwardContext): { headers: OutgoingHttpHeaders; fwd: string } {
  const raw = req.rawHeaders;
  const dropped = droppedNames(headerValue(raw, 'connection'));
  // Forwarded-for chain and Via are rebuilt below; Expect was answered by the router's own server already.
  for (const name of ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'x-request-id', 'via', 'expect']) dropped.add(name);
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (dropped.has(name)) continue;
    const value = raw[i + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  const fwd = [...headerValue(raw, 'x-forwarded-for'), clientAddress(req)].filter((v) => v.trim() !== '').join(', ');
  headers['x-forwarded-for'] = fwd;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(context.routerPort);
  headers['x-request-id'] = context.requestId;
  headers['via'] = [...headerValue(raw, 'via'), `${req.httpVersion} twelve`].join(', ');
  if (context.upgrade && req.headers.upgrade) {
    headers['connection'] = 'upgrade';
    headers['upgrade'] = req.headers.upgrade;
  }
  return { headers, fwd };
}

/**
 * The backend's response headers for the client, as a flat [name, value, ...] list so duplicates
 * (Set-Cookie) and the backend's spelling survive. The router's X-Request-Id replaces the backend's.
 * A 101 answer keeps Connection and Upgrade: the client needs them to switch protocols.
 */
export function forwardedResponseHeaders(rawHeaders: readonly string[], requestId: string, options: { upgrade?: boolean } = {}): string[] {
  const dropped = options.upgrade ? new Set<string>() : droppedNames(headerValue(rawHeaders, 'connection'));
  dropped.add('x-request-id');
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!dropped.has(rawHeaders[i]!.toLowerCase())) headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  headers.push('X-Request-Id', requestId);
  return headers;
}
