/** Which drain URLs twelve takes: syslog+tcp://, syslog+tls://, http:// and https://. */
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
