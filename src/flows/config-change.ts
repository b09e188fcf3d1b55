/** config:set and config:unset: validate, then release the current build with the new config. */
import { TwelveError } from '../errors.js';
import { releaseAndGoLive, type GoLiveParts } from '../release/go-live.js';
import { getApp, type App } from '../store/apps.js';
import { applyConfigChanges, getConfig } from '../store/config-vars.js';
import { getReleaseById, type Release } from '../store/releases.js';
import { assertConfigKey, assertConfigValue } from '../config/rules.js';

export function validateConfigChanges(body: unknown): Record<string, string | null> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TwelveError('BAD_REQUEST', 'config changes must be a JSON object of KEY: "value" (or null to unset)');
  }
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(body)) {
    assertConfigKey(key);
    if (value !== null) assertConfigValue(key, value);
    changes[key] = value as string | null;
  }
  if (Object.keys(changes).length === 0) throw new TwelveError('BAD_REQUEST', 'no config changes given');
  return changes;
}

function describe(changes: Record<string, string | null>): string {
  const set = Object.keys(changes).filter((key) => changes[key] !== null);
  const unset = Object.keys(changes).filter((key) => changes[key] === null);
  return [set.length ? `Set ${set.join(', ')} config vars` : '', unset.length ? `Remove ${unset.join(', ')} config vars` : '']
    .filter(Boolean).join('; ');
}

/** Returns the new config and the release it made (null before the app's first deploy). */
export async function changeConfig(platform: GoLiveParts, appName: string, body: unknown): Promise<{ config: Record<string, string>; release: Release | null; changed: boolean }> {
  const requested = validateConfigChanges(body);
  const app = getApp(platform.db, appName);
  return platform.fleet.exclusive(app.id, async () => {
    const config = getConfig(platform.db, app.id);
    // Unsetting a key that is not set, or setting one to its value, changes nothing: no release, no restart.
    const changes = Object.fromEntries(Object.entries(requested).filter(([key, value]) => (value === null ? Object.hasOwn(config, key) : config[key] !== value)));
    if (Object.keys(changes).length === 0) return { config, release: null, changed: false };
    const release = await releaseConfigChange(platform, app, changes, describe(changes));
    return { config: getConfig(platform.db, app.id), release, changed: true };
  });
}

/**
 * A config change as a new release of the current build (or stored as is before the first deploy).
 * Must run inside `platform.fleet.exclusive(app.id, ...)`; used by config:set and by addon attachments.
 */
export async function releaseConfigChange(platform: GoLiveParts, app: App, changes: Record<string, string | null>, description: string): Promise<Release | null> {
  const currentId = getApp(platform.db, app.name).currentReleaseId;
  if (currentId === null) {
    applyConfigChanges(platform.db, app.id, changes);
    return null;
  }
  const current = getReleaseById(platform.db, currentId);
  return releaseAndGoLive(platform, app, {
    buildId: current.buildId!, processTypes: current.processTypes, configChanges: changes, description,
  });
}
