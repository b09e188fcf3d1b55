/**
 * The addon servers twelve runs: started with the platform (each kind that has ever been provisioned),
 * started on first `addons:create` otherwise, stopped with the platform. A kind's port is chosen once
 * and kept, since every attached app's URL names it.
 */
import { join } from 'node:path';
import type pino from 'pino';
import { getAddonServer, listAddons, saveAddonServer } from '../store/addons.js';
import type { Db } from '../store/database.js';
import { ADDON_KINDS, type AddonKind, type AddonServer } from './addon-server.js';
import { PostgresServer } from './postgres-server.js';
import { RedisServers } from './redis-server.js';
import { pickServerPort } from './server-process.js';

export class AddonServers {
  private readonly running = new Map<AddonKind, AddonServer>();
  private readonly starting = new Map<AddonKind, Promise<AddonServer>>();

  constructor(private readonly db: Db, private readonly dataDir: string, private readonly logger: pino.Logger) {}

  private serverDir(kind: AddonKind): string {
    return join(this.dataDir, 'addons', kind);
  }

  /** Starts every kind that has a server already (its addons' apps are about to be restored). */
  async startExisting(): Promise<void> {
    const kinds = ADDON_KINDS.filter((kind) => getAddonServer(this.db, kind) !== undefined);
    await Promise.all(kinds.map(async (kind) => {
      try {
        await this.ensure(kind);
      } catch (error) {
        // Apps without this kind must still come back; apps with it will log their own connection errors.
        this.logger.error({ err: error, kind }, 'could not start the addon server');
      }
    }));
  }

  /** The running server of `kind`, started (and initialized on first use) when needed. */
  ensure(kind: AddonKind): Promise<AddonServer> {
    const running = this.running.get(kind);
    if (running) return Promise.resolve(running);
    let starting = this.starting.get(kind);
    if (!starting) {
      starting = this.startServer(kind).finally(() => this.starting.delete(kind));
      this.starting.set(kind, starting);
    }
    return starting;
  }

  private async startServer(kind: AddonKind): Promise<AddonServer> {
    // Redis runs a server per addon, each with its own ports (kept in the addon's secret): its row's port is 0.
    const port = kind === 'redis' ? 0 : getAddonServer(this.db, kind)?.port ?? await pickServerPort();
    const server = kind === 'postgres'
      ? new PostgresServer(this.dataDir, this.serverDir(kind), port)
      : new RedisServers(this.dataDir, this.serverDir(kind), () => this.provisionedSecrets(kind), this.logger);
    await server.start();
    saveAddonServer(this.db, { kind, port, version: server.version });
    this.running.set(kind, server);
    this.logger.info({ kind, port, version: server.version }, 'addon server started');
    return server;
  }

  private provisionedSecrets(kind: AddonKind) {
    return listAddons(this.db, kind).filter((addon) => addon.provider === 'twelve').map((addon) => addon.secret);
  }

  /** The version a kind's server last reported (for parity), without starting it. */
  versionOf(kind: string): string | null {
    return this.running.get(kind as AddonKind)?.version ?? getAddonServer(this.db, kind)?.version ?? null;
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.running.values()].map((server) => server.stop()));
    this.running.clear();
  }
}
