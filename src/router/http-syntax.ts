/**
 * The HTTP/1.1 grammar pieces both head parsers share (RFC 9110/9112), kept strict on purpose: whatever
 * the router lets through, a backend's parser must read the same way, so anything ambiguous is refused.
 */

/** A header field line split into its parts; `lower` is the name lowercased for lookups. */
export interface HeaderField {
  name: string;
  lower: string;
  value: string;
}

/** tchar+ (RFC 9110 5.6.2). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** field-value: visible ASCII, obs-text, space and tab inside; no CTL, so no bare CR or LF, no NUL. */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** An origin-form request target (or `*`): visible ASCII only, no fragment-less tricks with spaces or CTLs. */
export const ORIGIN_FORM = /^(?:\/[\x21-\x7e]*|\*)$/;

/**
 * Methods llhttp (the parser of Node apps) knows, minus CONNECT: a request the backend's parser would
 * refuse is refused here first, so both sides agree on where each message ends.
 */
export const METHODS = new Set([
  'ACL', 'BIND', 'CHECKOUT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE', 'MKACTIVITY',
  'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND', 'PROPPATCH', 'PURGE', 'PUT',
  'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK', 'UNLOCK', 'UNSUBSCRIBE',
]);

const TAB_REFUSED = new Set(['content-length', 'transfer-encoding', 'connection']);

/** 1*DIGIT, at most 15 digits so it stays an exact JavaScript number. */
const DECIMAL = /^[0-9]{1,15}$/;

/** A Content-Length value, or -1 when it is not a plain decimal number. */
export function parseContentLength(value: string): number {
  return DECIMAL.test(value) ? Number(value) : -1;
}

/** Index of the CRLFCRLF that ends a head starting at `start`, or -1. */
export function headEnd(buf: Buffer, start: number): number {
  return buf.indexOf('\r\n\r\n', start, 'latin1');
}

/** Whether `buf[from, to)` holds a LF not preceded by CR or a CR not followed by LF (a complete one). */
export function hasBareCrOrLf(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 10 && (i === 0 || buf[i - 1] !== 13)) return true;
    if (c === 13 && i + 1 < to && buf[i + 1] !== 10) return true;
  }
  return false;
}

/**
 * Splits the header lines of a head (the text after the start line, CRLF-separated, without the final
 * empty line) into fields. Returns a reason string when a line breaks the grammar: obs-fold (a line
 * starting with space or tab), space before the colon, a CTL in a value, or no colon at all.
 */
export function parseFields(lines: string[], from: number, maxFields: number): HeaderField[] | string {
  const fields: HeaderField[] = [];
  if (lines.length - from > maxFields) return 'too many header fields';
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return line.length > 0 && (line[0] === ' ' || line[0] === '\t') ? 'obs-fold' : 'malformed header line';
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return line[0] === ' ' || line[0] === '\t' ? 'obs-fold' : 'invalid header name';
    let value = line.slice(colon + 1);
    if (!FIELD_VALUE.test(value)) return 'invalid header value';
    const lower = name.toLowerCase();
    // llhttp refuses or misreads a tab around a length, coding or connection option: refusing any tab there keeps both parsers in step.
    if (TAB_REFUSED.has(lower) && value.includes('\t')) return 'tab in a framing header';
    value = trimOws(value);
    fields.push({ name, lower, value });
  }
  return fields;
}

/** Drops optional whitespace (space, tab) at both ends. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 32 || value.charCodeAt(start) === 9)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 32 || value.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Whether a comma-separated header value lists `token` (case-insensitive), e.g. `close` in `Connection`. */
export function listsToken(value: string, token: string): boolean {
  const lower = value.toLowerCase();
  if (lower === token) return true;
  if (!lower.includes(token)) return false;
  return lower.split(',').some((part) => trimOws(part) === token);
}
