/** The per-app features `features:enable` turns on, Heroku's labs: each name once, with what it does. */
import { TwelveError } from '../errors.js';

export const FEATURES = {
  'runtime-metrics': 'every 20 s, a line per process in the app\'s log stream with its memory and load, in Heroku\'s log-runtime-metrics format',
} as const satisfies Record<string, string>;

export type FeatureName = keyof typeof FEATURES;

export function checkFeatureName(name: string): FeatureName {
  if (!Object.hasOwn(FEATURES, name)) {
    throw new TwelveError('FEATURE_NOT_FOUND', `twelve has no feature named ${name} (it has: ${Object.keys(FEATURES).join(', ')})`);
  }
  return name as FeatureName;
}
