/**
 * The response head parser for the backend side: status line and header fields, and how the body is
 * framed (RFC 9112 6.3): none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else until close.
 */
import { headEnd, listsToken, parseContentLength, parseFields, type HeaderField } from './http-syntax.js';

export interface ResponseHead {
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  fields: HeaderField[];
  body: 'none' | 'length' | 'chunked' | 'close';
  contentLength: number;
  /** Whether the backend connection may carry another request afterwards. */
  keepAlive: boolean;
  /** Values of the Connection header, joined. */
  connection: string;
}

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9][0-9][0-9])(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

/** Parses the head in `buf[start, end)` (`end` at its CRLFCRLF); a string is the reason it is not a valid head. */
export function parseResponseHead(buf: Buffer, start: number, end: number, requestMethod: string, maxFields: number): ResponseHead | string {
  const lines = buf.toString('latin1', start, end).split('\r\n');
  const match = STATUS_LINE.exec(lines[0]!);
  if (!match) return 'malformed status line';
  const version = match[1] === '1' ? '1.1' : '1.0';
  const status = Number(match[2]);
  const fields = parseFields(lines, 1, maxFields);
  if (typeof fields === 'string') return fields;

  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = '';
  for (const field of fields) {
    if (field.lower === 'content-length') {
      const length = parseContentLength(field.value);
      if (length === -1 || (contentLength !== -1 && length !== contentLength)) return 'invalid Content-Length';
      contentLength = length;
    } else if (field.lower === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? field.value : `${transferEncoding}, ${field.value}`;
    } else if (field.lower === 'connection') {
      connection = connection === '' ? field.value : `${connection}, ${field.value}`;
    }
  }
  let keepAlive = version === '1.1' ? !listsToken(connection, 'close') : listsToken(connection, 'keep-alive');

  let body: ResponseHead['body'];
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) {
    body = 'none';
  } else if (transferEncoding !== undefined) {
    if (contentLength !== -1) return 'both Content-Length and Transfer-Encoding';
    // The last coding decides: chunked is framed, anything else runs until the connection closes.
    const codings = transferEncoding.toLowerCase().split(',');
    body = codings[codings.length - 1]!.trim() === 'chunked' ? 'chunked' : 'close';
  } else if (contentLength !== -1) {
    body = 'length';
  } else {
    body = 'close';
  }
  if (body === 'close') keepAlive = false;
  return { status, reason: match[3] ?? '', version, fields, body, contentLength: Math.max(contentLength, 0), keepAlive, connection };
}

/** A backend's response head may be this large (Node's own limit is 16 KiB). */
const MAX_RESPONSE_HEAD = 64 * 1024;
const MAX_RESPONSE_FIELDS = 200;

/**
 * Reads the final response head from the start of `buf`, skipping interim (1xx other than 101) heads,
 * which go to `interim` as raw bytes. `head` is undefined while the head is incomplete: `rest` is then
 * what to keep for the next read. A string is why the bytes are not a response.
 */
export function readResponseHead(buf: Buffer, requestMethod: string, interim: (status: number, raw: Buffer) => void): { head?: ResponseHead; rest: Buffer } | string {
  let rest = buf;
  for (;;) {
    const end = headEnd(rest, 0);
    if (end === -1) return rest.length > MAX_RESPONSE_HEAD ? 'response head too large' : { rest };
    const head = parseResponseHead(rest, 0, end, requestMethod, MAX_RESPONSE_FIELDS);
    if (typeof head === 'string') return head;
    if (head.status >= 200 || head.status === 101) return { head, rest: rest.subarray(end + 4) };
    interim(head.status, rest.subarray(0, end + 4));
    rest = rest.subarray(end + 4);
  }
}
