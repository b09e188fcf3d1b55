/**
 * Loads one of twelve's own addons from native/ (built by `npm ci` with node-gyp, see native/binding.gyp).
 * Each is optional: where it could not be built, the loader says why and twelve runs without it.
 */
import { createRequire } from 'node:module';

export function loadAddon<T>(name: string): { addon: T | null; error: Error | null } {
  try {
    // From dist/src/ up to native/ at the root.
    return { addon: createRequire(import.meta.url)(`../../native/build/Release/${name}.node`) as T, error: null };
  } catch (error) {
    return { addon: null, error: error as Error };
  }
}
