/**
 * Reads app.json (Heroku's app manifest) at build time, so each build carries the declarations its
 * releases are checked against: env schema, formation, scripts, buildpacks and twelve's healthcheck
 * extension. `//` and `/* *\/` comments and trailing commas are tolerated, as Dokku reads it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { TwelveError } from '../errors.js';

export type AppJson = Record<string, unknown>;

/** Parses app.json when the codebase has one; the fields are checked by the features that use them. */
export async function readAppJson(appDir: string): Promise<AppJson | null> {
  const file = join(appDir, 'app.json');
  if (!existsSync(file)) return null;
  return parseAppJson(await readFile(file, 'utf8'));
}

/**
 * @example parseAppJson('{\n  // the web check\n  "healthcheck": {"path": "/up"},\n}') // { healthcheck: { path: '/up' } }
 */
export function parseAppJson(text: string): AppJson {
  const errors: ParseError[] = [];
  const parsed = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    throw new TwelveError('INVALID_APP_JSON', `app.json line ${line}, column ${column}: ${describe(printParseErrorCode(first.error))}`, { line, column });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json must hold a JSON object');
  }
  return parsed as AppJson;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** jsonc-parser's codes (`CommaExpected`) as words. */
function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
