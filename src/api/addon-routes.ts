/** /v1/addons and /v1/apps/:app/addons: backing services and their attachments. Never answers with a URL or password. */
import type { FastifyInstance } from 'fastify';
import { attachAddon, configKeyOf, createAddon, destroyAddon, detachAddon } from '../flows/addon-actions.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp, getAppById } from '../store/apps.js';
import { attachmentsOfAddon, attachmentsOfApp, getAddon, getAddonById, listAddons, type Addon } from '../store/addons.js';
import type { AddonAttachView, AddonDetachView, Destroyed, AddonView } from './types.js';
import { releaseView } from './views.js';

type AppParams = { Params: { app: string } };
type AddonParams = { Params: { addon: string } };

export function addonView(platform: Platform, addon: Addon): AddonView {
  const { db } = platform;
  return {
    name: addon.name, kind: addon.kind, provider: addon.provider,
    version: addon.provider === 'twelve' ? platform.addons.versionOf(addon.kind) : null,
    owner: addon.appId === null ? null : getAppById(db, addon.appId).name,
    attachments: attachmentsOfAddon(db, addon.id).map((a) => ({ app: getAppById(db, a.appId).name, as: a.name, configVar: configKeyOf(a.name) })),
    createdAt: addon.createdAt,
  };
}

export function registerAddonRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<{ Reply: AddonView[] }>('/v1/addons', async () => listAddons(db).map((addon) => addonView(platform, addon)));

  server.get<AddonParams & { Reply: AddonView }>('/v1/addons/:addon', async (request) => addonView(platform, getAddon(db, request.params.addon)));

  server.delete<AddonParams & { Reply: Destroyed }>('/v1/addons/:addon', async (request) => {
    const body = (request.body ?? {}) as { confirm?: unknown };
    await destroyAddon(platform, request.params.addon, body.confirm);
    return { destroyed: request.params.addon };
  });

  server.get<AppParams & { Reply: AddonView[] }>('/v1/apps/:app/addons', async (request) => {
    const app = getApp(db, request.params.app);
    const ids = [...new Set(attachmentsOfApp(db, app.id).map((a) => a.addonId))];
    return ids.map((id) => addonView(platform, getAddonById(db, id)));
  });

  server.post<AppParams & { Reply: AddonAttachView }>('/v1/apps/:app/addons', async (request, reply) => {
    const body = (request.body ?? {}) as { kind?: unknown; as?: unknown; name?: unknown };
    const result = await createAddon(platform, request.params.app, {
      kind: body.kind, as: typeof body.as === 'string' ? body.as : undefined, name: typeof body.name === 'string' ? body.name : undefined,
    });
    reply.status(201);
    return { addon: addonView(platform, result.addon), configVar: configKeyOf(result.as), release: result.release && releaseView(result.release, result.release.id) };
  });

  server.post<AppParams & { Reply: AddonAttachView }>('/v1/apps/:app/addon-attachments', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; url?: unknown; as?: unknown; replace?: unknown };
    if (typeof body.name !== 'string') throw new TwelveError('BAD_REQUEST', 'name is required: the addon to attach, or the name for an external URL');
    const result = await attachAddon(platform, request.params.app, {
      name: body.name, url: typeof body.url === 'string' ? body.url : undefined, as: typeof body.as === 'string' ? body.as : undefined, replace: body.replace === true,
    });
    reply.status(201);
    return { addon: addonView(platform, result.addon), configVar: configKeyOf(result.as), release: result.release && releaseView(result.release, result.release.id) };
  });

  server.delete<{ Params: { app: string; as: string } } & { Reply: AddonDetachView }>('/v1/apps/:app/addon-attachments/:as', async (request) => {
    const release = await detachAddon(platform, request.params.app, request.params.as);
    return { detached: configKeyOf(request.params.as), release: release && releaseView(release, release.id) };
  });
}
