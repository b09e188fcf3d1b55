/**
 * The heads the router writes: the request head for the backend (hop-by-hop headers dropped,
 * X-Forwarded-* and X-Request-Id set the way Heroku's router does it) and the response head for the
 * client (the router's X-Request-Id, and Connection as this client connection needs it).
 */
import { randomUUID } from 'node:crypto';
import type { HeaderField } from './http-syntax.js';
import type { RequestHead } from './request-head.js';
import type { ResponseHead } from './response-head.js';

/** Headers that describe one connection, not the message (RFC 9110 7.6.1): never forwarded as they are. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
/** Headers the router sets itself on the way in, so a client cannot forge them; Expect the router answers. */
const ROUTER_SET = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'x-request-id', 'via', 'expect'];
const REQUEST_DROPPED = new Set([...HOP_BY_HOP, ...ROUTER_SET]);
/** Framing headers stay on responses: the body is relayed byte for byte, chunked or not. */
const RESPONSE_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'x-request-id']);

/** Heroku's rule for a client-chosen request id. */
const VALID_REQUEST_ID = /^[A-Za-z0-9+/=-]{20,200}$/;

/** Keeps the client's X-Request-Id when it is a valid one, else makes a new one. */
export function requestIdFrom(value: string | undefined): string {
  return value !== undefined && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The client's address as people write it: `127.0.0.1`, not `::ffff:127.0.0.1`. */
export function clientAddress(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Never dropped because Connection lists them: the body is framed by them, and routed by Host. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'host']);

/** The names the Connection header lists, which are hop-by-hop for this message too. */
function listedNames(connection: string): Set<string> | undefined {
  if (connection === '') return undefined;
  const names = new Set<string>();
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (!FRAMING.has(name)) names.add(name);
  }
  return names;
}

/** The value of the first field named `lower` (already lowercased), or undefined. */
export function fieldValue(fields: readonly HeaderField[], lower: string): string | undefined {
  for (const field of fields) if (field.lower === lower) return field.value;
  return undefined;
}

export interface ForwardContext {
  requestId: string;
  /** The client's address, appended to X-Forwarded-For. */
  client: string;
  /** The router port the client connected to, for X-Forwarded-Port. */
  routerPort: number;
  /** The router's span as the app's parent, replacing the client's traceparent (only when tracing is on). */
  traceparent?: string;
}

/**
 * The request head for the backend, and the X-Forwarded-For chain for the log line. HTTP/1.0 clients
 * are forwarded as HTTP/1.0, so the backend answers in a framing such a client reads (never chunked).
 */
export function backendRequestHead(head: RequestHead, context: ForwardContext): { text: string; fwd: string } {
  const listed = listedNames(head.connection);
  let text = `${head.method} ${head.target} HTTP/${head.version}\r\n`;
  let fwd = '';
  let via = '';
  for (const field of head.fields) {
    const lower = field.lower;
    if (REQUEST_DROPPED.has(lower) || listed?.has(lower) || (context.traceparent !== undefined && lower === 'traceparent')) {
      if (lower === 'x-forwarded-for' && field.value !== '') fwd = fwd === '' ? field.value : `${fwd}, ${field.value}`;
      else if (lower === 'via' && field.value !== '') via = via === '' ? field.value : `${via}, ${field.value}`;
      continue;
    }
    text += `${field.name}: ${field.value}\r\n`;
  }
  if (context.client !== '') fwd = fwd === '' ? context.client : `${fwd}, ${context.client}`;
  via = via === '' ? `${head.version} twelve` : `${via}, ${head.version} twelve`;
  text += `X-Forwarded-For: ${fwd}\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: ${context.routerPort}\r\n`
    + `X-Request-Id: ${context.requestId}\r\nVia: ${via}\r\n`;
  if (context.traceparent !== undefined) text += `traceparent: ${context.traceparent}\r\n`;
  if (head.body === 'chunked') text += 'Transfer-Encoding: chunked\r\n';
  if (head.upgrade) text += `Connection: upgrade\r\nUpgrade: ${fieldValue(head.fields, 'upgrade') ?? ''}\r\n`;
  // An HTTP/1.0 client that keeps its connection needs a length-framed answer: asking the same gets one.
  else if (head.version === '1.0' && head.keepAlive) text += 'Connection: keep-alive\r\n';
  return { text: `${text}\r\n`, fwd };
}

/**
 * The response head for the client. `connection` is what the router tells this client: `close` when it
 * will close the connection after this response, `keep-alive` for an HTTP/1.0 client that keeps it.
 * A 101 answer keeps the backend's Connection and Upgrade: the client needs them to switch protocols.
 */
export function clientResponseHead(head: ResponseHead, requestId: string, connection: 'close' | 'keep-alive' | undefined): string {
  const upgrade = head.status === 101;
  const listed = upgrade ? undefined : listedNames(head.connection);
  let text = `HTTP/1.1 ${head.status} ${head.reason}\r\n`;
  for (const field of head.fields) {
    const lower = field.lower;
    if (upgrade ? lower === 'x-request-id' : RESPONSE_DROPPED.has(lower) || listed?.has(lower)) continue;
    text += `${field.name}: ${field.value}\r\n`;
  }
  text += `X-Request-Id: ${requestId}\r\n`;
  if (connection !== undefined && !upgrade) text += `Connection: ${connection}\r\n`;
  return `${text}\r\n`;
}

/** A head and the body bytes after it as one buffer, so they go out in one write. */
export function joinHead(head: string, body: Buffer): Buffer {
  const joined = Buffer.allocUnsafe(head.length + body.length);
  joined.write(head, 0, 'latin1');
  body.copy(joined, head.length);
  return joined;
}
