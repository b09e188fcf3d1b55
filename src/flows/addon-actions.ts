/**
 * What the addons commands do: provision a database on twelve's own server, attach an addon (twelve's
 * or an external URL) to an app as NAME_URL, detach, destroy. Every attachment change is a config
 * change and so a new release; when that release is refused, the attachment is undone.
 */
import { randomBytes } from 'node:crypto';
import { ADDON_KINDS, DEFAULT_ATTACHMENT, type AddonKind } from '../addons/addon-server.js';
import type { AddonServers } from '../addons/addon-servers.js';
import { assertConfigKey } from '../config/rules.js';
import { TwelveError } from '../errors.js';
import { getApp, getAppById, type App } from '../store/apps.js';
import {
  attachmentsOfAddon, deleteAddon, deleteAttachment, findAttachment, getAddon, getAddonById, insertAddon, insertAttachment,
  listAddons, type Addon, type AddonSecret,
} from '../store/addons.js';
import type { Db } from '../store/database.js';
import type { Release } from '../store/releases.js';
import type { GoLiveParts } from '../release/go-live.js';
import { releaseConfigChange } from './config-change.js';

const ADDON_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const ATTACHMENT_NAME = /^[A-Z][A-Z0-9_]{0,59}$/;

/** What the addon flows use: a config change's parts and the addon servers. */
export type AddonParts = GoLiveParts & { addons: AddonServers };

export interface AttachResult { addon: Addon; as: string; release: Release | null }

function assertAttachmentName(name: string): void {
  if (!ATTACHMENT_NAME.test(name)) throw new TwelveError('BAD_REQUEST', `--as ${name}: use upper-case letters, digits and _ (the app then sees ${name}_URL)`);
  assertConfigKey(`${name}_URL`);
}

export function assertAddonKind(kind: unknown): asserts kind is AddonKind {
  if (!ADDON_KINDS.includes(kind as AddonKind)) throw new TwelveError('BAD_REQUEST', `unknown addon kind ${String(kind)}: twelve provisions ${ADDON_KINDS.join(' and ')}`);
}

/** Heroku's attachment scheme: `--as DATABASE` gives the app DATABASE_URL. */
export function configKeyOf(attachment: string): string {
  return `${attachment}_URL`;
}

/**
 * The config vars an attachment sets, or unsets when `attached` is false: NAME_URL, and NAME_TLS_URL
 * beside it for a server that also listens with TLS (Heroku Redis's REDIS_TLS_URL).
 */
export function attachmentConfig(as: string, secret: AddonSecret, attached: boolean): Record<string, string | null> {
  const config: Record<string, string | null> = { [configKeyOf(as)]: attached ? secret.url : null };
  if (secret.tlsUrl) config[`${as}_TLS_URL`] = attached ? secret.tlsUrl : null;
  return config;
}

/** postgres://… and postgresql://… are postgres, redis:// and rediss:// redis, anything else its scheme. */
export function kindOfUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TwelveError('INVALID_ADDON_URL', 'the addon URL is not a URL');
  }
  if (!parsed.host) throw new TwelveError('INVALID_ADDON_URL', 'the addon URL has no host');
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme === 'postgresql' || scheme === 'postgres') return 'postgres';
  if (scheme === 'rediss') return 'redis';
  return scheme;
}

/**
 * Attaches and releases inside the app's lock; a refused release takes the attachment back. `replace`
 * swaps whatever holds NAME_URL now for this addon in one release (the app never runs without it).
 */
async function attach(platform: AddonParts, app: App, addon: Addon, as: string, replace = false): Promise<Release | null> {
  return platform.fleet.exclusive(app.id, async () => {
    const previous = replace ? findAttachment(platform.db, app.id, as) : undefined;
    if (previous) deleteAttachment(platform.db, app.id, as);
    insertAttachment(platform.db, { addonId: addon.id, appId: app.id, name: as });
    try {
      return await releaseConfigChange(platform, app, attachmentConfig(as, addon.secret, true), `Attach ${addon.name} as ${configKeyOf(as)}`);
    } catch (error) {
      deleteAttachment(platform.db, app.id, as);
      if (previous) insertAttachment(platform.db, previous);
      throw error;
    }
  });
}

export async function createAddon(platform: AddonParts, appName: string, input: { kind: unknown; as?: string; name?: string }): Promise<AttachResult> {
  assertAddonKind(input.kind);
  const kind = input.kind;
  const app = getApp(platform.db, appName);
  const as = input.as ?? DEFAULT_ATTACHMENT[kind];
  assertAttachmentName(as);
  if (findAttachment(platform.db, app.id, as)) {
    throw new TwelveError('ADDON_ATTACHMENT_EXISTS', `${appName} already has ${configKeyOf(as)}; pass --as to add another ${kind}`);
  }
  const name = input.name ?? `${kind}-${randomBytes(3).toString('hex')}`;
  if (!ADDON_NAME.test(name)) throw new TwelveError('BAD_REQUEST', `${name} is not a valid addon name (lowercase letters, digits and -)`);
  const server = await platform.addons.ensure(kind);
  const secret = await server.provision(name, randomBytes(24).toString('hex'));
  let addon: Addon;
  try {
    addon = insertAddon(platform.db, { name, kind, provider: 'twelve', appId: app.id, secret });
  } catch (error) {
    await server.deprovision(secret);
    throw error;
  }
  try {
    return { addon, as, release: await attach(platform, app, addon, as) };
  } catch (error) {
    deleteAddon(platform.db, addon.id);
    await server.deprovision(secret);
    throw error;
  }
}

/** With a URL: an external service named `name`. Without: the existing addon `name`, shared. */
export async function attachAddon(platform: AddonParts, appName: string, input: { name: string; url?: string; as?: string; replace?: boolean }): Promise<AttachResult> {
  const app = getApp(platform.db, appName);
  let addon: Addon;
  let created = false;
  if (input.url !== undefined) {
    const kind = kindOfUrl(input.url);
    if (!ADDON_NAME.test(input.name)) throw new TwelveError('BAD_REQUEST', `${input.name} is not a valid addon name (lowercase letters, digits and -)`);
    addon = insertAddon(platform.db, { name: input.name, kind, provider: 'external', appId: app.id, secret: { url: input.url } });
    created = true;
  } else {
    addon = getAddon(platform.db, input.name);
  }
  const as = input.as ?? DEFAULT_ATTACHMENT[addon.kind as AddonKind] ?? addon.kind.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  try {
    assertAttachmentName(as);
    return { addon, as, release: await attach(platform, app, addon, as, input.replace === true) };
  } catch (error) {
    if (created) deleteAddon(platform.db, addon.id);
    throw error;
  }
}

/** Removes NAME_URL from the app (a new release); the addon itself stays. */
export async function detachAddon(platform: AddonParts, appName: string, as: string): Promise<Release | null> {
  const app = getApp(platform.db, appName);
  return platform.fleet.exclusive(app.id, async () => {
    const attachment = findAttachment(platform.db, app.id, as);
    if (!attachment) throw new TwelveError('ADDON_NOT_FOUND', `${appName} has no attachment named ${as}`);
    deleteAttachment(platform.db, app.id, as);
    try {
      return await releaseConfigChange(platform, app, attachmentConfig(as, getAddonById(platform.db, attachment.addonId).secret, false), `Detach ${configKeyOf(as)}`);
    } catch (error) {
      insertAttachment(platform.db, attachment);
      throw error;
    }
  });
}

/** Detaches it from every app, then drops its database and user (an external service is only forgotten). */
export async function destroyAddon(platform: AddonParts, name: string, confirm: unknown): Promise<void> {
  const addon = getAddon(platform.db, name);
  if (confirm !== name) throw new TwelveError('CONFIRM_MISMATCH', `pass --confirm ${name} to destroy ${name} and its data`);
  for (const attachment of attachmentsOfAddon(platform.db, addon.id)) {
    await detachAddon(platform, getAppById(platform.db, attachment.appId).name, attachment.name);
  }
  if (addon.provider === 'twelve') await (await platform.addons.ensure(addon.kind as AddonKind)).deprovision(addon.secret);
  deleteAddon(platform.db, addon.id);
}

/**
 * An app is being destroyed: the addons it created and no other app uses go with it (their databases
 * dropped), as on Heroku; one that another app still uses stays, without an owner.
 */
export async function destroyAddonsOwnedBy(platform: { db: Db; addons: AddonServers }, appId: number): Promise<string[]> {
  const destroyed: string[] = [];
  for (const addon of listAddons(platform.db).filter((a) => a.appId === appId)) {
    if (attachmentsOfAddon(platform.db, addon.id).some((attachment) => attachment.appId !== appId)) continue;
    if (addon.provider === 'twelve') await (await platform.addons.ensure(addon.kind as AddonKind)).deprovision(addon.secret);
    deleteAddon(platform.db, addon.id);
    destroyed.push(addon.name);
  }
  return destroyed;
}
