/**
 * The check every release passes before its row is written (deploys, config changes, rollbacks,
 * promotions): app.json's defaults and generated secrets fill missing keys, app.json's formation sets
 * the count of types never scaled, and a config that still lacks a required key or breaks a format is
 * refused, so nothing starts and the running release keeps serving.
 */
import { TwelveError } from '../errors.js';
import { getBuild } from '../store/builds.js';
import { applyConfigChanges, getConfig } from '../store/config-vars.js';
import type { Db } from '../store/database.js';
import { getFormation, setFormation } from '../store/formation.js';
import { assertConfigFits, configDefaults, readEnvSchema } from './env-schema.js';
import { isObjectBuiltinName } from './rules.js';

/** Heroku's `"formation": { "web": { "quantity": 2 } }`, as counts; sizes mean nothing here. */
export function readFormation(appJson: Record<string, unknown> | null | undefined): Record<string, number> {
  const formation = appJson?.formation;
  if (formation === undefined || formation === null) return {};
  if (typeof formation !== 'object' || Array.isArray(formation)) throw new TwelveError('INVALID_APP_JSON', 'app.json: formation must be an object of TYPE: { quantity }');
  const counts: Record<string, number> = {};
  for (const [type, entry] of Object.entries(formation as Record<string, unknown>)) {
    if (isObjectBuiltinName(type)) throw new TwelveError('INVALID_APP_JSON', `app.json: formation.${type} cannot be a process type: every JavaScript object has a property of that name`);
    const quantity = (entry as { quantity?: unknown } | null)?.quantity ?? 1;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0 || quantity > 100) {
      throw new TwelveError('INVALID_APP_JSON', `app.json: formation.${type}.quantity must be a whole number from 0 to 100`);
    }
    counts[type] = quantity;
  }
  return counts;
}

/**
 * Call inside the transaction that inserts the release, after its config changes: a throw undoes them.
 * Returns the config the release snapshots.
 */
export function settleReleaseConfig(db: Db, appId: number, buildId: string | null): Record<string, string> {
  const appJson = buildId ? getBuild(db, buildId)?.manifest?.appJson : null;
  const schema = readEnvSchema(appJson);
  const defaults = configDefaults(schema, getConfig(db, appId));
  if (Object.keys(defaults).length > 0) applyConfigChanges(db, appId, defaults);
  const config = getConfig(db, appId);
  assertConfigFits(schema, config);
  const stored = getFormation(db, appId);
  const initial = Object.fromEntries(Object.entries(readFormation(appJson)).filter(([type]) => stored[type] === undefined));
  if (Object.keys(initial).length > 0) setFormation(db, appId, initial);
  return config;
}
