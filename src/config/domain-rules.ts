/** What an extra domain of an app may be: a host name, lowercase, not one of the NAME.localhost names. */
import { TwelveError } from '../errors.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns the host name as the router matches it (lowercase, no trailing dot), or throws INVALID_DOMAIN. */
export function normalizeDomain(raw: unknown): string {
  const hostname = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/\.$/, '') : '';
  const labels = hostname.split('.');
  if (hostname.length === 0 || hostname.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    throw new TwelveError('INVALID_DOMAIN', `${JSON.stringify(raw)} is not a host name such as www.example.com`);
  }
  // NAME.localhost belongs to the app called NAME; letting another app claim it would hijack that app.
  if (labels.length === 2 && labels[1] === 'localhost') {
    throw new TwelveError('INVALID_DOMAIN', `${hostname} is reserved: every app already answers to NAME.localhost`);
  }
  return hostname;
}
