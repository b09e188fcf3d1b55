/**
 * app.json's `env`, read and checked: which keys an app needs, their defaults, generated secrets and
 * formats. Pure: the release path (release-config.ts) applies what these functions decide.
 */
import { randomBytes } from 'node:crypto';
import { errorText, TwelveError } from '../errors.js';
import { FORMATS, formatProblem, type Format } from './formats.js';
import { assertConfigKey } from './rules.js';

export interface EnvEntry {
  key: string;
  description: string;
  required: boolean;
  /** Default filled in when the key is missing. */
  value?: string;
  generator?: 'secret';
  format?: Format;
  /** For format enum. */
  values?: string[];
}

export interface ConfigProblem {
  key: string;
  description: string;
  /** Missing, or why the value does not fit its format. */
  problem: string;
}

function bad(message: string): TwelveError {
  return new TwelveError('INVALID_APP_JSON', `app.json: ${message}`);
}

/**
 * Heroku's forms: `"KEY": "default"` (a required key with a default) or `"KEY": { description,
 * required (default true), value, generator }`, plus twelve's `format` and `values`.
 */
export function readEnvSchema(appJson: Record<string, unknown> | null | undefined): EnvEntry[] {
  const env = appJson?.env;
  if (env === undefined || env === null) return [];
  if (typeof env !== 'object' || Array.isArray(env)) throw bad('env must be an object of KEY: entry');
  return Object.entries(env as Record<string, unknown>).map(([key, raw]) => {
    try {
      assertConfigKey(key);
    } catch (error) {
      throw bad(`env key ${errorText(error)}`);
    }
    if (typeof raw === 'string') return { key, description: '', required: true, value: raw };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`env.${key} must be a string or an object`);
    const entry = raw as Record<string, unknown>;
    const result: EnvEntry = { key, description: typeof entry.description === 'string' ? entry.description : '', required: entry.required !== false };
    if (entry.value !== undefined) {
      if (typeof entry.value !== 'string') throw bad(`env.${key}.value must be a string`);
      result.value = entry.value;
    }
    if (entry.generator !== undefined) {
      if (entry.generator !== 'secret') throw bad(`env.${key}.generator must be "secret"`);
      result.generator = 'secret';
    }
    if (entry.format !== undefined) {
      if (!FORMATS.includes(entry.format as Format)) throw bad(`env.${key}.format must be one of ${FORMATS.join(', ')}`);
      result.format = entry.format as Format;
      if (result.format === 'enum') {
        if (!Array.isArray(entry.values) || entry.values.length === 0 || !entry.values.every((v) => typeof v === 'string')) {
          throw bad(`env.${key}.values must list the allowed strings for format enum`);
        }
        result.values = entry.values as string[];
      }
    }
    if (result.value !== undefined && result.format) {
      const problem = formatProblem(result.format, result.value, result.values);
      if (problem) throw bad(`env.${key}.value ${problem}`);
    }
    return result;
  });
}

/** A secret as Heroku's generator makes one: 64 hex characters from a CSPRNG. */
export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The keys a release must add: defaults and generated secrets for keys the config lacks. */
export function configDefaults(schema: EnvEntry[], config: Record<string, string>, generate = generateSecret): Record<string, string> {
  const added: Record<string, string> = {};
  for (const entry of schema) {
    if (Object.hasOwn(config, entry.key)) continue;
    if (entry.value !== undefined) added[entry.key] = entry.value;
    else if (entry.generator === 'secret') added[entry.key] = generate();
  }
  return added;
}

/** Missing required keys and values that do not fit their format; empty when the config is good. */
export function configProblems(schema: EnvEntry[], config: Record<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const entry of schema) {
    const value = config[entry.key];
    if (value === undefined || (entry.required && value === '')) {
      if (entry.required) problems.push({ key: entry.key, description: entry.description, problem: 'missing' });
      continue;
    }
    const problem = entry.format ? formatProblem(entry.format, value, entry.values) : null;
    if (problem) problems.push({ key: entry.key, description: entry.description, problem });
  }
  return problems;
}

/** One line per problem: `  SECRET_TOKEN (signs sessions): missing`. */
export function describeProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `  ${p.key}${p.description ? ` (${p.description})` : ''}: ${p.problem}`).join('\n');
}

export function assertConfigFits(schema: EnvEntry[], config: Record<string, string>): void {
  const problems = configProblems(schema, config);
  if (problems.length === 0) return;
  const missing = problems.filter((p) => p.problem === 'missing');
  const code = missing.length > 0 ? 'CONFIG_MISSING' : 'CONFIG_INVALID';
  const headline = missing.length > 0
    ? `the release needs config that is not set: ${missing.map((p) => p.key).join(', ')}`
    : `config does not fit app.json: ${problems.map((p) => p.key).join(', ')}`;
  throw new TwelveError(code, `${headline}\n${describeProblems(problems)}`, { problems });
}
