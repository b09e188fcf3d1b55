/** Pure naming rules: what an app name and a config key may be. */
import { TwelveError } from '../errors.js';

const APP_NAME = /^[a-z][a-z0-9-]{0,29}$/;
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Set by twelve for every process; a user value would be overwritten or would break routing. */
export const RESERVED_CONFIG_KEYS = new Set(['PORT', 'DYNO', 'PS']);

/** App names become host names (NAME.localhost) and directory names, so they stay DNS-label safe. */
export function assertAppName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !APP_NAME.test(name) || name.endsWith('-') || name.includes('--')) {
    const shown = typeof name === 'string' ? JSON.stringify(name) : String(name);
    throw new TwelveError('INVALID_APP_NAME', `${shown} is not a valid app name`);
  }
}

export function assertConfigKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !CONFIG_KEY.test(key)) {
    throw new TwelveError('INVALID_CONFIG_KEY', `${JSON.stringify(key)} is not a valid config key`);
  }
  if (RESERVED_CONFIG_KEYS.has(key)) {
    throw new TwelveError('RESERVED_CONFIG_KEY', `${key} is set by twelve and cannot be configured`);
  }
}

/**
 * Names every JavaScript object answers to (`constructor`, `__proto__`, `toString`, ...). As a process
 * type they would be found on any map looked up by name, declared or not, so they are refused.
 */
export function isObjectBuiltinName(name: string): boolean {
  return name in Object.prototype;
}

export function assertConfigValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TwelveError('BAD_REQUEST', `the value of ${key} must be a string`);
  }
  if (value.includes('\0')) {
    throw new TwelveError('BAD_REQUEST', `the value of ${key} contains a NUL byte, which no environment variable can hold`);
  }
}
