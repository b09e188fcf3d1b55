/**
 * The request head parser: request line and header fields of one HTTP/1.x request, and how its body is
 * framed. Strict by design (see docs/router.md, "Parsing"): anything two parsers could read two ways
 * (conflicting lengths, obfuscated Transfer-Encoding, bare CR or LF, obs-fold) is a 400, never a guess.
 */
import { listsToken, METHODS, ORIGIN_FORM, parseContentLength, parseFields, type HeaderField } from './http-syntax.js';

export interface RequestHead {
  method: string;
  /** The request target as sent (origin-form, or `*`). */
  target: string;
  version: '1.0' | '1.1';
  fields: HeaderField[];
  /** The Host header's value; undefined when there is none. */
  host: string | undefined;
  body: 'none' | 'length' | 'chunked';
  /** Body bytes when `body` is 'length'. */
  contentLength: number;
  /** Whether the client connection may carry another request after this one. */
  keepAlive: boolean;
  /** An `Upgrade` request (websockets): Connection lists `upgrade` and an Upgrade header is present. */
  upgrade: boolean;
  /** `Expect: 100-continue`: the client waits for an interim answer before sending the body. */
  expectContinue: boolean;
  /** Values of the Connection header, joined: the names it lists are hop-by-hop too. */
  connection: string;
}

/** Why a request was refused: the reason for the platform log, and the error code to answer with. */
export interface RequestHeadError {
  error: string;
  code: 'T16' | 'T18';
}

export interface RequestLimits {
  /** Longest request line (method, target, version). */
  maxRequestLineBytes: number;
  maxHeaderFields: number;
}

/**
 * Parses the head in `buf[start, end)`, where `end` is the index of the CRLFCRLF that closes it.
 * The caller has already refused heads over the size limit and heads with a bare CR or LF.
 *
 * @example
 * const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a.localhost\r\n\r\n');
 * parseRequestHead(buf, 0, buf.indexOf('\r\n\r\n'), limits); // { method: 'GET', target: '/', host: 'a.localhost', ... }
 */
export function parseRequestHead(buf: Buffer, start: number, end: number, limits: RequestLimits): RequestHead | RequestHeadError {
  const lines = buf.toString('latin1', start, end).split('\r\n');
  const requestLine = lines[0]!;
  if (requestLine.length > limits.maxRequestLineBytes) return { error: 'request line too long', code: 'T18' };
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  if (firstSpace <= 0 || lastSpace === firstSpace) return { error: 'malformed request line', code: 'T16' };
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const versionText = requestLine.slice(lastSpace + 1);
  if (!METHODS.has(method)) return { error: 'unknown method', code: 'T16' };
  if (!ORIGIN_FORM.test(target) || (target === '*' && method !== 'OPTIONS')) return { error: 'invalid request target', code: 'T16' };
  let version: '1.0' | '1.1';
  if (versionText === 'HTTP/1.1') version = '1.1';
  else if (versionText === 'HTTP/1.0') version = '1.0';
  else return { error: 'unsupported HTTP version', code: 'T16' };

  const fields = parseFields(lines, 1, limits.maxHeaderFields);
  if (typeof fields === 'string') return { error: fields, code: fields === 'too many header fields' ? 'T18' : 'T16' };

  let host: string | undefined;
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = '';
  let upgradeHeader = false;
  let expectContinue = false;
  for (const field of fields) {
    switch (field.lower) {
      case 'host':
        if (host !== undefined) return { error: 'more than one Host header', code: 'T16' };
        host = field.value;
        break;
      case 'content-length':
        if (contentLength !== -1) return { error: 'more than one Content-Length', code: 'T16' };
        contentLength = parseContentLength(field.value);
        if (contentLength === -1) return { error: 'invalid Content-Length', code: 'T16' };
        break;
      case 'transfer-encoding':
        if (transferEncoding !== undefined) return { error: 'more than one Transfer-Encoding', code: 'T16' };
        transferEncoding = field.value;
        break;
      case 'connection':
        connection = connection === '' ? field.value : `${connection}, ${field.value}`;
        break;
      case 'upgrade':
        upgradeHeader = true;
        break;
      case 'expect':
        if (field.value.toLowerCase() === '100-continue') expectContinue = true;
        break;
    }
  }
  if (version === '1.1' && host === undefined) return { error: 'HTTP/1.1 request without Host', code: 'T16' };

  let body: RequestHead['body'] = 'none';
  if (transferEncoding !== undefined) {
    // Only plain `chunked` is framing both sides read alike; `chunked, gzip`, `xchunked`, `chunked ` tricks are refused.
    if (contentLength !== -1) return { error: 'both Content-Length and Transfer-Encoding', code: 'T16' };
    if (version === '1.0') return { error: 'Transfer-Encoding in an HTTP/1.0 request', code: 'T16' };
    if (transferEncoding.toLowerCase() !== 'chunked') return { error: 'unsupported Transfer-Encoding', code: 'T16' };
    body = 'chunked';
  } else if (contentLength > 0) {
    body = 'length';
  }

  const keepAlive = version === '1.1' ? !listsToken(connection, 'close') : listsToken(connection, 'keep-alive');
  const upgrade = upgradeHeader && version === '1.1' && listsToken(connection, 'upgrade');
  return {
    method, target, version, fields, host, body, contentLength: Math.max(contentLength, 0), keepAlive, upgrade, expectContinue, connection,
  };
}

export function isHeadError(head: RequestHead | RequestHeadError): head is RequestHeadError {
  return (head as RequestHeadError).error !== undefined;
}
