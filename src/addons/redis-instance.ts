/**
 * One redis-server for one redis addon, as Heroku Redis gives each addon its own instance: database 0,
 * the `default` user with the addon's password (so `AUTH password`, all any Redis client of any age
 * sends for `redis://:PASSWORD@HOST:PORT`, logs in), a plain port and a TLS port on loopback, its own
 * certificate, append-only file on. Lives in DATA/addons/redis/NAME.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureServerCertificate } from './server-certificate.js';
import { runAs, startServerProcess, stopLeftover, stopProcess, waitUntil } from './server-process.js';
import { chownToUser, prepareServerDir, type ServiceUser } from './service-user.js';

export interface RedisInstanceSpec {
  /** The addon's name, also its directory's. */
  name: string;
  password: string;
  port: number;
  tlsPort: number;
}

/** Heroku's two URLs for one instance: no user name, no database number. */
export function redisUrls(spec: RedisInstanceSpec): { url: string; tlsUrl: string } {
  const password = encodeURIComponent(spec.password);
  return { url: `redis://:${password}@127.0.0.1:${spec.port}`, tlsUrl: `rediss://:${password}@127.0.0.1:${spec.tlsPort}` };
}

/** The instance back from its URLs (the sealed addon secret), so nothing else needs storing. */
export function specFromUrls(name: string, url: string, tlsUrl: string): RedisInstanceSpec {
  const plain = new URL(url);
  return { name, password: decodeURIComponent(plain.password), port: Number(plain.port), tlsPort: Number(new URL(tlsUrl).port) };
}

/**
 * redis.conf's lines. The password is stored as its SHA-256 only. The app may run every command but the
 * `@admin` ones (CONFIG SET, SHUTDOWN, REPLICAOF, DEBUG, ...), as on Heroku; CONFIG GET stays, since
 * some queue libraries read maxmemory-policy at start. TLS clients are not asked for a certificate.
 */
export function redisConfig(spec: RedisInstanceSpec, dir: string, tls: { certFile: string; keyFile: string }): string[] {
  const hash = createHash('sha256').update(spec.password).digest('hex');
  return [
    'bind 127.0.0.1', `port ${spec.port}`, 'protected-mode yes', 'daemonize no', `dir ${join(dir, 'data')}`,
    `pidfile ${join(dir, 'redis.pid')}`, 'logfile ""', 'appendonly yes', 'appendfsync everysec',
    `user default on #${hash} ~* &* +@all -@admin +config|get`,
    `tls-port ${spec.tlsPort}`, `tls-cert-file ${tls.certFile}`, `tls-key-file ${tls.keyFile}`, `tls-ca-cert-file ${tls.certFile}`,
    'tls-auth-clients no',
  ];
}

export class RedisInstance {
  private child: ChildProcess | undefined;

  constructor(readonly spec: RedisInstanceSpec, private readonly dir: string, private readonly dataDir: string,
    private readonly user: ServiceUser, private readonly bin: { server: string; cli: string }) {}

  private get logFile(): string { return join(this.dir, 'server.log'); }

  async start(): Promise<void> {
    prepareServerDir(this.user, this.dataDir, this.dir);
    const data = join(this.dir, 'data');
    mkdirSync(data, { recursive: true, mode: 0o700 });
    chownToUser(this.user, data);
    const tls = await ensureServerCertificate(this.dir, this.spec.name, this.user);
    const conf = join(this.dir, 'redis.conf');
    writeFileSync(conf, `${redisConfig(this.spec, this.dir, tls).join('\n')}\n`, { mode: 0o600 });
    chownToUser(this.user, conf);
    await stopLeftover(join(this.dir, 'redis.pid'), 'SIGTERM');
    this.child = startServerProcess(this.user, this.bin.server, [conf], this.logFile);
    await waitUntil(`Redis for ${this.spec.name}`, () => this.ping(), this.child, this.logFile);
  }

  /** The password goes through REDISCLI_AUTH: nothing secret on a command line. */
  private ping(): boolean {
    const result = runAs(this.user, this.bin.cli, ['-h', '127.0.0.1', '-p', String(this.spec.port), '--no-auth-warning', 'PING'], { env: { REDISCLI_AUTH: this.spec.password } });
    return result.stdout.trim() === 'PONG';
  }

  /** SIGTERM: Redis flushes the append-only file and exits. */
  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGTERM');
    this.child = undefined;
  }
}
