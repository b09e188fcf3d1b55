/** The transport for a drain's URL: HTTPS or HTTP posts, else syslog over TCP or TLS. */
import type { DrainTarget } from './drain-url.js';
import { HttpTransport } from './http-transport.js';
import { SyslogTransport } from './syslog-transport.js';
import type { Transport, TransportOptions } from './transport.js';

export function openTransport(target: DrainTarget, options: TransportOptions): Transport {
  if (target.kind === 'http' || target.kind === 'https') return new HttpTransport(target, options);
  return new SyslogTransport(target, options);
}
