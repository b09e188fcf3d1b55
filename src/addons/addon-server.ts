/** The contract both addon servers (PostgreSQL, Redis) keep, so the manager treats them alike. */
import type { AddonSecret } from '../store/addons.js';

export interface AddonServer {
  readonly kind: string;
  /** The server's version as it reports it, known once started. */
  version: string;
  /** Initializes its data dir on first use, stops a leftover of a killed twelve, starts, waits until it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Creates the addon's database and user (PostgreSQL) or its own server (Redis); `name` is the addon's name. */
  provision(name: string, password: string): Promise<AddonSecret>;
  deprovision(secret: AddonSecret): Promise<void>;
}

export const ADDON_KINDS = ['postgres', 'redis'] as const;
export type AddonKind = (typeof ADDON_KINDS)[number];

/** The attachment name (and so the config var NAME_URL) an addon gets without --as. */
export const DEFAULT_ATTACHMENT: Record<AddonKind, string> = { postgres: 'DATABASE', redis: 'REDIS' };
