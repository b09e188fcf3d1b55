/**
 * Two ways to frame a byte string of pipelined requests, for the differential fuzz test: the router's
 * own parsers (request-head.ts, body-framer.ts, driven the way client-connection.ts drives them) and
 * llhttp, the parser of node:http servers, through the same HTTPParser binding http.Server uses.
 */
import { createRequire } from 'node:module';
import { ChunkedFramer, LengthFramer, type BodyFramer } from '../../src/router/body-framer.js';
import { headEnd } from '../../src/router/http-syntax.js';
import { DEFAULT_LIMITS } from '../../src/router/proxy-context.js';
import { isHeadError, parseRequestHead } from '../../src/router/request-head.js';

/** What a parser decided about one message: enough to tell whether two parsers framed it alike. */
export interface FramedMessage {
  method: string;
  url: string;
  headers: number;
  body: number;
}

/** `ok`: every byte framed into whole messages; `closed`: a message ended the connection (close, upgrade); `error`: refused or cut short. */
export interface Framing {
  messages: FramedMessage[];
  end: 'ok' | 'closed' | 'error';
  reason?: string;
}

export function frameWithRouter(buf: Buffer): Framing {
  const messages: FramedMessage[] = [];
  let pos = 0;
  for (;;) {
    while (pos + 1 < buf.length && buf[pos] === 13 && buf[pos + 1] === 10) pos += 2;
    if (pos >= buf.length) return { messages, end: 'ok' };
    const end = headEnd(buf, pos);
    if (end === -1) return { messages, end: 'error', reason: 'incomplete head' };
    if (end + 4 - pos > DEFAULT_LIMITS.maxHeadBytes) return { messages, end: 'error', reason: 'head too large' };
    const head = parseRequestHead(buf, pos, end, DEFAULT_LIMITS);
    if (isHeadError(head)) return { messages, end: 'error', reason: head.error };
    pos = end + 4;
    let body = 0;
    const framer: BodyFramer | undefined = head.body === 'length' ? new LengthFramer(head.contentLength) : head.body === 'chunked' ? new ChunkedFramer() : undefined;
    if (framer) {
      pos += framer.feed(buf, pos);
      if (framer.error) return { messages, end: 'error', reason: framer.error };
      if (!framer.done) return { messages, end: 'error', reason: 'incomplete body' };
      body = framer.dataBytes;
    }
    messages.push({ method: head.method, url: head.target, headers: head.fields.length, body });
    if (!head.keepAlive || head.upgrade) return { messages, end: 'closed' };
  }
}

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(buf: Buffer): number | Error;
  finish(): undefined | Error;
  [callback: number]: unknown;
}
interface LlhttpBinding {
  HTTPParser: { new(): LlhttpParser; REQUEST: number; kOnMessageBegin: number; kOnHeaders: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };
  methods: string[];
}

const { HTTPParser, methods } = createRequire(import.meta.url)('_http_common') as LlhttpBinding;

/**
 * llhttp with node:http's server settings (strict: no lenient flags, default 16 KiB head limit), plus the
 * one rule http.Server adds in JavaScript: an HTTP/1.1 request without Host is answered 400.
 */
export function frameWithLlhttp(buf: Buffer): Framing {
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  const messages: FramedMessage[] = [];
  let stop: Framing['end'] | undefined;
  let reason: string | undefined;
  let inMessage = false;
  let headersDone = false;
  let current = { headers: [] as string[], url: '', method: '', body: 0, keepAlive: true, upgrade: false, http11: true };
  parser[HTTPParser.kOnMessageBegin] = () => { inMessage = true; };
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    if (headersDone) return; // trailers
    current.headers.push(...headers);
    if (url) current.url += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, headers: string[] | null, method: number, url: string | null,
    _status: unknown, _message: unknown, upgrade: boolean, keepAlive: boolean) => {
    inMessage = true;
    headersDone = true;
    if (headers) current.headers.push(...headers);
    if (url) current.url = url;
    Object.assign(current, { method: methods[method] ?? String(method), keepAlive, upgrade, http11: major === 1 && minor === 1 });
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => { current.body += chunk.length; };
  parser[HTTPParser.kOnMessageComplete] = () => {
    inMessage = false;
    headersDone = false;
    if (stop) return;
    const hasHost = current.headers.some((_, i) => i % 2 === 0 && current.headers[i]!.toLowerCase() === 'host');
    if (current.http11 && !hasHost) {
      stop = 'error';
      reason = 'no Host (http.Server answers 400)';
      return;
    }
    messages.push({ method: current.method, url: current.url, headers: current.headers.length / 2, body: current.body });
    if (!current.keepAlive || current.upgrade) stop = 'closed';
    current = { headers: [], url: '', method: '', body: 0, keepAlive: true, upgrade: false, http11: true };
  };
  const result = parser.execute(buf);
  if (stop) return { messages, end: stop, reason };
  if (result instanceof Error) return { messages, end: 'error', reason: (result as Error & { code?: string }).code };
  const finished = parser.finish();
  if (finished instanceof Error) return { messages, end: 'error', reason: (finished as Error & { code?: string }).code };
  return inMessage ? { messages, end: 'error', reason: 'incomplete' } : { messages, end: 'ok' };
}
