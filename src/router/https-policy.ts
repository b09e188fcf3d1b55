/**
 * What the router answers itself on the way to https: ACME HTTP-01 challenges on the plain port (RFC
 * 8555 8.3), the 308 to https for an app with force-https, and the HSTS header when an app asks for it.
 */
import type { Socket } from 'node:net';
import { normalizeHost } from './route-table.js';

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';

/** One year, with subdomains left out: an app owns its host names, not the domains below them. */
export const HSTS_HEADER = 'Strict-Transport-Security: max-age=31536000\r\n';

/** The token of an ACME challenge request target, or undefined. */
export function challengeToken(target: string): string | undefined {
  if (!target.startsWith(ACME_CHALLENGE_PATH)) return undefined;
  const token = target.slice(ACME_CHALLENGE_PATH.length);
  return /^[A-Za-z0-9_-]+$/.test(token) ? token : undefined;
}

/** `https://host[:port]/target`: the port is left out when it is https's own. */
export function httpsLocation(hostHeader: string, target: string, httpsPort: number): string {
  const host = normalizeHost(hostHeader);
  return `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${target}`;
}

/** Writes a whole small answer (a redirect or a challenge's key authorization); returns the body size. */
export function writeSmallAnswer(socket: Socket, answer: { status: 200 | 308; headers?: string; body: string; close: boolean; head: boolean; requestId: string }): number {
  const reason = answer.status === 200 ? 'OK' : 'Permanent Redirect';
  const body = answer.head ? '' : answer.body;
  socket.write(`HTTP/1.1 ${answer.status} ${reason}\r\n${answer.headers ?? ''}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\n`
    + `X-Request-Id: ${answer.requestId}\r\n${answer.close ? 'Connection: close\r\n' : ''}\r\n${body}`);
  return Buffer.byteLength(body);
}
