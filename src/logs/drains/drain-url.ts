/**
 * Which drain URLs twelve takes (syslog+tcp://, syslog+tls://, http:// and https://), in the one form
 * they are stored, compared and shown in.
 */
import { TwelveError } from '../../errors.js';

export type DrainKind = 'syslog+tcp' | 'syslog+tls' | 'http' | 'https';

export interface DrainTarget {
  kind: DrainKind;
  host: string;
  port: number;
  url: URL;
}

const DEFAULT_PORTS: Record<DrainKind, number> = { 'syslog+tcp': 514, 'syslog+tls': 6514, http: 80, https: 443 };

/**
 * @example parseDrainUrl('syslog+tcp://127.0.0.1:5514') // { kind: 'syslog+tcp', host: '127.0.0.1', port: 5514, ... }
 */
export function parseDrainUrl(text: string): DrainTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TwelveError('INVALID_DRAIN_URL', 'the drain is not a URL such as syslog+tls://logs.example.com:6514 (it is not repeated here: it may hold a password)');
  }
  const kind = url.protocol.slice(0, -1) as DrainKind;
  if (!Object.hasOwn(DEFAULT_PORTS, kind)) {
    throw new TwelveError('INVALID_DRAIN_URL', `drains take syslog+tcp://, syslog+tls://, http:// or https:// URLs, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new TwelveError('INVALID_DRAIN_URL', `${displayUrl(text)} has no host`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { kind, host, port: url.port ? Number(url.port) : DEFAULT_PORTS[kind], url };
}

/**
 * The one form of a drain URL, so that one receiver is one drain however it was typed: as WHATWG URL
 * writes it (lower-case scheme and host, no default port, `/` for an empty http path), and for syslog
 * URLs, which WHATWG leaves as typed (not a special scheme), the same by hand: lower-case host, no
 * default port, and no lone `/` path (syslog has no path; `syslog+tcp://h:5802/` is `syslog+tcp://h:5802`).
 * @example normalizeDrainUrl('SYSLOG+TCP://Logs.Example:514/') // 'syslog+tcp://logs.example'
 */
export function normalizeDrainUrl(text: string): string {
  const { kind, port, url } = parseDrainUrl(text);
  if (kind === 'http' || kind === 'https') return url.href;
  const credentials = url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const explicitPort = port === DEFAULT_PORTS[kind] ? '' : `:${port}`;
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${kind}://${credentials}${url.hostname.toLowerCase()}${explicitPort}${path}${url.search}${url.hash}`;
}

/** The normal form of a URL, or null for what is not a drain URL (an id or a token, say). */
export function normalizedOrNull(text: string): string | null {
  try {
    return normalizeDrainUrl(text);
  } catch {
    return null;
  }
}

/** The URL as shown to users: a password in it is masked. */
export function displayUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}
