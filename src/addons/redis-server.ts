/**
 * The Redis server twelve runs for its redis addons: one server under DATA/addons/redis, loopback only,
 * append-only file on. Each addon gets its own ACL user with its own password and its own database
 * number (the URL's path), so two apps' keys do not collide. Redis ACLs cannot fence a user into one
 * database number, so the separation is by convention, not enforced (docs/addons.md). twelve's admin is
 * the `default` user, whose password sits in a 0600 file beside the server; the ACL file holds its hash.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import type { AddonSecret } from '../store/addons.js';
import type { AddonServer } from './addon-server.js';
import { runAs, startServerProcess, stopLeftover, stopProcess, waitUntil } from './server-process.js';
import { chownToUser, prepareServerDir, serviceUser, type ServiceUser } from './service-user.js';

const DATABASES = 1024;

export function findRedisBin(): { server: string; cli: string } {
  const server = '/usr/bin/redis-server';
  const cli = '/usr/bin/redis-cli';
  if (!existsSync(server) || !existsSync(cli)) throw new TwelveError('ADDON_UNAVAILABLE', 'Redis is not installed: apt-get install -y redis-server');
  return { server, cli };
}

/** The lowest database number no other addon holds; 0 stays twelve's own. */
export function freeDatabaseNumber(taken: AddonSecret[]): number {
  const used = new Set(taken.map((secret) => Number(secret.database)));
  for (let n = 1; n < DATABASES; n += 1) if (!used.has(n)) return n;
  throw new TwelveError('ADDON_SERVER_FAILED', `the Redis server holds ${DATABASES - 1} addons already`);
}

export class RedisServer implements AddonServer {
  readonly kind = 'redis';
  version = '';
  private child: ChildProcess | undefined;
  private readonly bin = findRedisBin();
  private readonly user: ServiceUser;

  constructor(private readonly dataDir: string, private readonly dir: string, private readonly port: number) {
    this.user = serviceUser('redis', 'redis-server');
  }

  private get logFile(): string { return join(this.dir, 'server.log'); }
  private get adminPasswordFile(): string { return join(this.dataDir, 'addons', 'redis-admin-password'); }

  private adminPassword(): string {
    if (!existsSync(this.adminPasswordFile)) writeFileSync(this.adminPasswordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    return readFileSync(this.adminPasswordFile, 'utf8').trim();
  }

  private writeConfig(): string {
    const data = join(this.dir, 'data');
    mkdirSync(data, { recursive: true, mode: 0o700 });
    chownToUser(this.user, data);
    const aclFile = join(this.dir, 'users.acl');
    if (!existsSync(aclFile)) {
      const hash = createHash('sha256').update(this.adminPassword()).digest('hex');
      writeFileSync(aclFile, `user default on #${hash} ~* &* +@all\n`, { mode: 0o600 });
      chownToUser(this.user, aclFile);
    }
    const conf = join(this.dir, 'redis.conf');
    writeFileSync(conf, [
      'bind 127.0.0.1', `port ${this.port}`, 'protected-mode yes', 'daemonize no', `dir ${data}`,
      `pidfile ${join(this.dir, 'redis.pid')}`, `aclfile ${aclFile}`, `databases ${DATABASES}`,
      'appendonly yes', 'appendfsync everysec', 'logfile ""', '',
    ].join('\n'), { mode: 0o600 });
    chownToUser(this.user, conf);
    return conf;
  }

  async start(): Promise<void> {
    prepareServerDir(this.user, this.dataDir, this.dir);
    const conf = this.writeConfig();
    await stopLeftover(join(this.dir, 'redis.pid'), 'SIGTERM');
    this.child = startServerProcess(this.user, this.bin.server, [conf], this.logFile);
    await waitUntil('Redis', () => this.command('PING').stdout.trim() === 'PONG', this.child, this.logFile);
    const info = this.command('INFO server').stdout;
    this.version = /redis_version:(\S+)/.exec(info)?.[1] ?? '';
  }

  /** SIGTERM: Redis flushes the append-only file and exits. */
  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGTERM');
    this.child = undefined;
  }

  /** Commands go through stdin and the password through REDISCLI_AUTH: nothing secret on a command line. */
  private command(lines: string) {
    return runAs(this.user, this.bin.cli, ['-h', '127.0.0.1', '-p', String(this.port)], { input: `${lines}\n`, env: { REDISCLI_AUTH: this.adminPassword() } });
  }

  private commandOrThrow(lines: string, what: string): void {
    const result = this.command(lines);
    if (result.status !== 0 || /^(ERR|WRONGPASS|NOPERM)/m.test(result.stdout)) {
      throw new TwelveError('ADDON_SERVER_FAILED', `${what}: ${(result.stdout + result.stderr).trim().split('\n').slice(-2).join(' ')}`);
    }
  }

  provision(name: string, password: string, taken: AddonSecret[]): AddonSecret {
    const database = String(freeDatabaseNumber(taken));
    // Every command but the admin ones (CONFIG, ACL, SHUTDOWN, ...) and FLUSHALL, which would empty other addons' databases.
    this.commandOrThrow(`ACL SETUSER ${name} reset on >${password} ~* &* +@all -@admin -flushall\nACL SAVE`, `could not create Redis user ${name}`);
    return { url: `redis://${name}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`, database, user: name };
  }

  deprovision(secret: AddonSecret): void {
    if (!secret.user || !secret.database) return;
    this.commandOrThrow(`SELECT ${Number(secret.database)}\nFLUSHDB\nACL DELUSER ${secret.user}\nACL SAVE`, `could not remove Redis user ${secret.user}`);
  }
}
