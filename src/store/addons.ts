/** The addons tables: backing services (provisioned by twelve or external), which apps they are attached to, and twelve's servers. */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';
import { seal, unseal } from './sealing.js';

/** What an addon's owner needs to reach it and to deprovision it; sealed at rest as one value. */
export interface AddonSecret {
  url: string;
  /** Set for provisioned postgres addons (and redis addons of an earlier twelve): the database and the user twelve created. */
  database?: string;
  user?: string;
  /** A redis addon's own server (its directory under addons/redis) and its rediss:// URL. */
  instance?: string;
  tlsUrl?: string;
}

export interface Addon {
  id: number;
  name: string;
  /** postgres, redis, or an external URL's scheme. */
  kind: string;
  provider: 'twelve' | 'external';
  /** The app that created it, null once that app is gone. */
  appId: number | null;
  secret: AddonSecret;
  createdAt: string;
}

export interface Attachment {
  addonId: number;
  appId: number;
  /** DATABASE: the app sees DATABASE_URL. */
  name: string;
  createdAt: string;
}

interface AddonRow { id: number; name: string; kind: string; provider: 'twelve' | 'external'; app_id: number | null; secret: string; created_at: string }

function toAddon(db: Db, row: AddonRow): Addon {
  return {
    id: row.id, name: row.name, kind: row.kind, provider: row.provider, appId: row.app_id,
    secret: JSON.parse(unseal(db, row.secret)) as AddonSecret, createdAt: row.created_at,
  };
}

export function insertAddon(db: Db, addon: { name: string; kind: string; provider: 'twelve' | 'external'; appId: number; secret: AddonSecret }): Addon {
  try {
    const info = db.prepare('INSERT INTO addons (name, kind, provider, app_id, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(addon.name, addon.kind, addon.provider, addon.appId, seal(db, JSON.stringify(addon.secret)), now());
    return getAddonById(db, Number(info.lastInsertRowid));
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new TwelveError('ADDON_EXISTS', `an addon named ${addon.name} already exists`);
    throw error;
  }
}

export function getAddonById(db: Db, id: number): Addon {
  return toAddon(db, db.prepare('SELECT * FROM addons WHERE id = ?').get(id) as AddonRow);
}

export function getAddon(db: Db, name: string): Addon {
  const row = db.prepare('SELECT * FROM addons WHERE name = ?').get(name) as AddonRow | undefined;
  if (!row) throw new TwelveError('ADDON_NOT_FOUND', `no addon named ${name}`);
  return toAddon(db, row);
}

export function listAddons(db: Db, kind?: string): Addon[] {
  const rows = (kind
    ? db.prepare('SELECT * FROM addons WHERE kind = ? ORDER BY name').all(kind)
    : db.prepare('SELECT * FROM addons ORDER BY name').all()) as AddonRow[];
  return rows.map((row) => toAddon(db, row));
}

export function deleteAddon(db: Db, id: number): void {
  db.prepare('DELETE FROM addons WHERE id = ?').run(id);
}

interface AttachmentRow { addon_id: number; app_id: number; name: string; created_at: string }

function toAttachment(row: AttachmentRow): Attachment {
  return { addonId: row.addon_id, appId: row.app_id, name: row.name, createdAt: row.created_at };
}

export function insertAttachment(db: Db, attachment: { addonId: number; appId: number; name: string }): void {
  try {
    db.prepare('INSERT INTO addon_attachments (addon_id, app_id, name, created_at) VALUES (?, ?, ?, ?)')
      .run(attachment.addonId, attachment.appId, attachment.name, now());
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new TwelveError('ADDON_ATTACHMENT_EXISTS', `the app already has an attachment named ${attachment.name} (${attachment.name}_URL)`);
    }
    throw error;
  }
}

export function deleteAttachment(db: Db, appId: number, name: string): void {
  db.prepare('DELETE FROM addon_attachments WHERE app_id = ? AND name = ?').run(appId, name);
}

export function findAttachment(db: Db, appId: number, name: string): Attachment | undefined {
  const row = db.prepare('SELECT * FROM addon_attachments WHERE app_id = ? AND name = ?').get(appId, name) as AttachmentRow | undefined;
  return row && toAttachment(row);
}

export function attachmentsOfApp(db: Db, appId: number): Attachment[] {
  return (db.prepare('SELECT * FROM addon_attachments WHERE app_id = ? ORDER BY name').all(appId) as AttachmentRow[]).map(toAttachment);
}

export function attachmentsOfAddon(db: Db, addonId: number): Attachment[] {
  return (db.prepare('SELECT * FROM addon_attachments WHERE addon_id = ? ORDER BY app_id, name').all(addonId) as AttachmentRow[]).map(toAttachment);
}

export interface AddonServerRow { kind: string; port: number; version: string | null }

/** The port a server kind keeps for life: attached apps' URLs name it. */
export function getAddonServer(db: Db, kind: string): AddonServerRow | undefined {
  return db.prepare('SELECT kind, port, version FROM addon_servers WHERE kind = ?').get(kind) as AddonServerRow | undefined;
}

export function saveAddonServer(db: Db, server: AddonServerRow): void {
  db.prepare(`INSERT INTO addon_servers (kind, port, version, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (kind) DO UPDATE SET port = excluded.port, version = excluded.version`).run(server.kind, server.port, server.version, now());
}
