/**
 * The Redis servers behind redis addons: one redis-server per addon (src/addons/redis-instance.ts), as
 * Heroku Redis has, so each addon's URL can take Heroku's form, `redis://:PASSWORD@HOST:PORT`, with no
 * user name and no database number, and two apps' keys never meet. Each instance keeps its two ports
 * for life (the URLs name them); they live in the addon's sealed secret, so nothing else is stored.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type pino from 'pino';
import { TwelveError } from '../errors.js';
import type { AddonSecret } from '../store/addons.js';
import type { AddonServer } from './addon-server.js';
import { RedisInstance, redisUrls, specFromUrls, type RedisInstanceSpec } from './redis-instance.js';
import { pickServerPort } from './server-process.js';
import { serviceUser, type ServiceUser } from './service-user.js';

export function findRedisBin(): { server: string; cli: string } {
  const server = '/usr/bin/redis-server';
  const cli = '/usr/bin/redis-cli';
  if (!existsSync(server) || !existsSync(cli)) throw new TwelveError('ADDON_UNAVAILABLE', 'Redis is not installed: apt-get install -y redis-server');
  return { server, cli };
}

export class RedisServers implements AddonServer {
  readonly kind = 'redis';
  version = '';
  private readonly bin = findRedisBin();
  private readonly user: ServiceUser;
  private readonly instances = new Map<string, RedisInstance>();

  /** `existing` lists the secrets of the redis addons twelve has provisioned, whose servers start with it. */
  constructor(private readonly dataDir: string, private readonly dir: string, private readonly existing: () => AddonSecret[],
    private readonly logger: pino.Logger) {
    this.user = serviceUser('redis', 'redis-server');
  }

  private instanceDir(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Starts every addon's server. One that fails is logged and does not keep the others down, nor new
   * addons: its apps log their own connection errors.
   */
  async start(): Promise<void> {
    const found = /v=(\S+)/.exec(spawnSync(this.bin.server, ['--version'], { encoding: 'utf8' }).stdout ?? '');
    this.version = found?.[1] ?? '';
    const secrets = this.existing();
    const legacy = secrets.filter((secret) => !secret.instance).map((secret) => secret.user);
    if (legacy.length > 0) this.logger.warn({ addons: legacy }, 'redis addons made by an earlier twelve (one shared server) are not started: destroy them and create them anew (docs/addons.md)');
    const specs = secrets.flatMap((secret) => (secret.instance && secret.tlsUrl ? [specFromUrls(secret.instance, secret.url, secret.tlsUrl)] : []));
    await Promise.all(specs.map((spec) => this.startInstance(spec).catch((error: unknown) => {
      this.logger.error({ addon: spec.name, err: error }, 'could not start the addon\'s Redis server');
    })));
  }

  private async startInstance(spec: RedisInstanceSpec): Promise<void> {
    const instance = new RedisInstance(spec, this.instanceDir(spec.name), this.dataDir, this.user, this.bin);
    await instance.start();
    this.instances.set(spec.name, instance);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.values()].map((instance) => instance.stop()));
    this.instances.clear();
  }

  /** A new server on two new ports; its secret holds both of Heroku's URLs. */
  async provision(name: string, password: string): Promise<AddonSecret> {
    const port = await pickServerPort();
    let tlsPort = await pickServerPort();
    while (tlsPort === port) tlsPort = await pickServerPort();
    const spec = { name, password, port, tlsPort };
    await this.startInstance(spec);
    return { ...redisUrls(spec), instance: name };
  }

  /** Stops the addon's server and deletes its data. */
  async deprovision(secret: AddonSecret): Promise<void> {
    if (!secret.instance) return;
    await this.instances.get(secret.instance)?.stop();
    this.instances.delete(secret.instance);
    rmSync(this.instanceDir(secret.instance), { recursive: true, force: true });
  }
}
