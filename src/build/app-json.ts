/**
 * Reads app.json (Heroku's app manifest) at build time, so each build carries the declarations its
 * releases are checked against: env schema, formation, scripts and twelve's healthcheck extension.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';

export type AppJson = Record<string, unknown>;

/** Parses app.json when the codebase has one; the fields are checked by the features that use them. */
export async function readAppJson(appDir: string): Promise<AppJson | null> {
  const file = join(appDir, 'app.json');
  if (!existsSync(file)) return null;
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TwelveError('INVALID_APP_JSON', `app.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json must hold a JSON object');
  }
  return parsed as AppJson;
}
