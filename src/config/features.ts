/** The per-app features `features:enable` turns on, Heroku's labs: each name once, with what it does. */
import { TwelveError } from '../errors.js';

export const FEATURES = {
  'runtime-metrics': 'every 20 s, a line per process in the app\'s log stream with its memory and load, in Heroku\'s log-runtime-metrics format',
  'force-https': 'plain HTTP requests get a 308 to the same URL over https (ACME challenges excepted; docs/https.md)',
  hsts: 'https answers carry Strict-Transport-Security: max-age=31536000 (docs/https.md)',
} as const satisfies Record<string, string>;

export type FeatureName = keyof typeof FEATURES;

export function checkFeatureName(name: string): FeatureName {
  if (!Object.hasOwn(FEATURES, name)) {
    throw new TwelveError('FEATURE_NOT_FOUND', `twelve has no feature named ${name} (it has: ${Object.keys(FEATURES).join(', ')})`);
  }
  return name as FeatureName;
}
