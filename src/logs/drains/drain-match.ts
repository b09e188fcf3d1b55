/**
 * Which drain a user means by what they typed to `drains:remove`: its id, its token (which `drains:add`
 * prints), or its URL as added, as `twelve drains` shows it (password masked), or without its
 * credentials, in any spelling that normalizes to the same URL. A URL that fits several drains (the same
 * receiver with other credentials) names none: the user is asked for the id or the token instead.
 */
import { TwelveError } from '../../errors.js';
import { displayUrl, normalizeDrainUrl, normalizedOrNull } from './drain-url.js';

export interface NamedDrain {
  id: string;
  token: string;
  url: string;
}

/** The drain `given` names among an app's `drains`; throws DRAIN_NOT_FOUND or DRAIN_AMBIGUOUS. */
export function findDrain<T extends NamedDrain>(drains: readonly T[], given: string): T {
  const byName = drains.find((drain) => drain.id === given || drain.token === given);
  if (byName) return byName;
  const wanted = normalizedOrNull(given);
  if (wanted !== null) {
    const ways: Array<(url: string) => string> = [(url) => url, displayUrl];
    if (!hasCredentials(wanted)) ways.push(withoutCredentials);
    for (const way of ways) {
      const matches = drains.filter((drain) => way(normalizedOrNull(drain.url) ?? drain.url) === wanted);
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) {
        throw new TwelveError('DRAIN_AMBIGUOUS', `${displayUrl(given)} fits ${matches.length} of the app's drains; name one by its token or id`);
      }
    }
  }
  throw new TwelveError('DRAIN_NOT_FOUND', `the app has no drain ${displayUrl(given)}`);
}

function hasCredentials(text: string): boolean {
  const url = new URL(text);
  return url.username !== '' || url.password !== '';
}

function withoutCredentials(text: string): string {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  return normalizeDrainUrl(url.href);
}
