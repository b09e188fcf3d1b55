/** GET /v1/parity?a=APP&b=APP: two apps side by side (docs/parity.md); config keys only, never values. */
import type { FastifyInstance } from 'fastify';
import { compareParity, type ParitySide } from '../config/parity.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { attachmentsOfApp, getAddonById } from '../store/addons.js';
import { getBuild } from '../store/builds.js';
import { getConfigKeys } from '../store/config-vars.js';
import { formationForRelease, getFormation } from '../store/formation.js';
import { getReleaseById } from '../store/releases.js';
import type { Parity } from './types.js';

export function paritySide(platform: Platform, name: string): ParitySide {
  const { db } = platform;
  const app = getApp(db, name);
  const release = app.currentReleaseId === null ? null : getReleaseById(db, app.currentReleaseId);
  const manifest = release?.buildId ? getBuild(db, release.buildId)?.manifest ?? null : null;
  const addons: ParitySide['addons'] = {};
  for (const attachment of attachmentsOfApp(db, app.id)) {
    const addon = getAddonById(db, attachment.addonId);
    addons[attachment.name] = {
      kind: addon.kind, provider: addon.provider, version: addon.provider === 'twelve' ? platform.addons.versionOf(addon.kind) : null,
    };
  }
  const processTypes = release ? Object.keys(release.processTypes).sort() : [];
  return {
    app: app.name, release: release?.version ?? null, stack: manifest?.stack ?? null, runtimes: manifest?.runtimes ?? {},
    sourceSha: manifest?.sourceSha ?? null, processTypes,
    formation: release ? formationForRelease(getFormation(db, app.id), release.processTypes) : {},
    addons, configKeys: getConfigKeys(db, app.id),
  };
}

export function registerParityRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<{ Querystring: { a?: string; b?: string } } & { Reply: Parity }>('/v1/parity', async (request) => {
    const { a, b } = request.query;
    if (!a || !b) throw new TwelveError('BAD_REQUEST', 'pass the two apps as ?a=APP&b=APP');
    return compareParity(paritySide(platform, a), paritySide(platform, b));
  });
}
