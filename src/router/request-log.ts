/**
 * The router's log line, one per request, in Heroku's shape:
 * `at=info method=GET path="/" host=hello.localhost request_id=... fwd="127.0.0.1" dyno=web.1 connect=0ms service=3ms status=200 bytes=123 protocol=http`.
 */
import type { RouterErrorCode } from './error-pages.js';
import { ROUTER_ERRORS } from './error-pages.js';

export interface RequestLogEntry {
  /** Set for failed requests: the line starts `at=error code=T13 desc="..."`. */
  code?: RouterErrorCode;
  method: string;
  path: string;
  host: string;
  requestId: string;
  /** The X-Forwarded-For chain the backend saw. */
  fwd: string;
  /** Process name of the backend that served it; empty when none did. */
  dyno: string;
  connectMs: number;
  serviceMs: number;
  status: number;
  /** Response body bytes sent to the client. */
  bytes: number;
  protocol: 'http' | 'https';
}

/** Characters a quoted value escapes. */
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f]/;

/** Quotes a value for a key="value" pair and keeps it on one line. */
function quote(value: string): string {
  // Most values need no escaping: one test instead of two replaces on every request.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

/** Bare values (host, method) come from the client; anything that could break the line gets quoted. */
function bare(value: string): string {
  return /^[^\s"\\=\x00-\x1f\x7f]*$/.test(value) ? value : quote(value);
}

export function formatRequestLog(entry: RequestLogEntry): string {
  const head = entry.code ? `at=error code=${entry.code} desc=${quote(ROUTER_ERRORS[entry.code].desc)}` : 'at=info';
  return `${head} method=${bare(entry.method)} path=${quote(entry.path)} host=${bare(entry.host)} `
    + `request_id=${bare(entry.requestId)} fwd=${quote(entry.fwd)} dyno=${bare(entry.dyno)} `
    + `connect=${Math.round(entry.connectMs)}ms service=${Math.round(entry.serviceMs)}ms `
    + `status=${entry.status} bytes=${entry.bytes} protocol=${entry.protocol}`;
}
