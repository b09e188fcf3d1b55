/**
 * Loads one of twelve's own addons, or finds one of its own programs, in native/ (built by `npm ci` with
 * node-gyp, see native/binding.gyp). Each is optional: where it could not be built, the loader says why
 * and twelve runs without it.
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// From dist/src/ up to native/ at the root.
const BUILT = '../../native/build/Release/';

export function loadAddon<T>(name: string): { addon: T | null; error: Error | null } {
  try {
    return { addon: createRequire(import.meta.url)(`${BUILT}${name}.node`) as T, error: null };
  } catch (error) {
    return { addon: null, error: error as Error };
  }
}

/** The path of the program `name` built in native/, or null where it was not built. */
export function nativeProgram(name: string): string | null {
  const path = fileURLToPath(new URL(`${BUILT}${name}`, import.meta.url));
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}
