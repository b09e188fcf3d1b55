/**
 * The PostgreSQL server twelve runs for its postgres addons: one cluster under DATA/addons/postgres,
 * listening on loopback only; a database and a login role with its own password per addon. twelve
 * administers it over the cluster's Unix socket with peer authentication, so no admin password exists.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import type { AddonSecret } from '../store/addons.js';
import type { AddonServer } from './addon-server.js';
import { ensureServerCertificate, type CertificateFiles } from './server-certificate.js';
import { runAs, startServerProcess, stopLeftover, stopProcess, waitUntil } from './server-process.js';
import { prepareServerDir, serviceUser, type ServiceUser } from './service-user.js';

/** The newest PostgreSQL Debian installed: /usr/lib/postgresql/VERSION/bin. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new TwelveError('ADDON_UNAVAILABLE', 'PostgreSQL is not installed: apt-get install -y postgresql');
  return join(root, newest, 'bin');
}

/** Identifiers twelve makes itself (addon names with _ for -): safe to put into SQL unquoted. */
function ident(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new TwelveError('INTERNAL', `not a safe identifier: ${name}`);
  return name;
}

/**
 * The role and database name of an addon: its name with _ for -. PostgreSQL reserves role names that
 * start with pg_, so an addon called pg-main gets addon_pg_main.
 */
export function roleName(addon: string): string {
  const id = addon.replace(/-/g, '_');
  return ident(id.startsWith('pg_') ? `addon_${id}` : id);
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The server's command line. TLS is on, with twelve's certificate, beside plain connections on the same
 * port (the client chooses: `sslmode=require` as on Heroku, or none); both need the role's password.
 */
export function postgresArgs(cluster: string, port: number, socketDir: string, tls: CertificateFiles): string[] {
  return [
    '-D', cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`,
    '-c', 'ssl=on', '-c', `ssl_cert_file=${tls.certFile}`, '-c', `ssl_key_file=${tls.keyFile}`,
  ];
}

export class PostgresServer implements AddonServer {
  readonly kind = 'postgres';
  version = '';
  private child: ChildProcess | undefined;
  private readonly bin: string;
  private readonly user: ServiceUser;

  constructor(private readonly dataDir: string, private readonly dir: string, private readonly port: number) {
    this.bin = findPostgresBin();
    this.user = serviceUser('postgres', 'postgresql');
  }

  private get cluster(): string { return join(this.dir, 'data'); }
  private get socketDir(): string { return this.dir; }
  private get logFile(): string { return join(this.dir, 'server.log'); }

  async start(): Promise<void> {
    prepareServerDir(this.user, this.dataDir, this.dir);
    if (!existsSync(join(this.cluster, 'PG_VERSION'))) {
      const init = runAs(this.user, join(this.bin, 'initdb'), ['-D', this.cluster, '-U', this.user.name, '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale']);
      if (init.status !== 0) throw new TwelveError('ADDON_SERVER_FAILED', `initdb failed: ${init.stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    const tls = await ensureServerCertificate(this.dir, 'twelve-postgres', this.user);
    await stopLeftover(join(this.cluster, 'postmaster.pid'), 'SIGINT');
    this.child = startServerProcess(this.user, join(this.bin, 'postgres'), postgresArgs(this.cluster, this.port, this.socketDir, tls), this.logFile);
    await waitUntil('PostgreSQL', () => this.sql('SELECT 1').status === 0, this.child, this.logFile);
    this.version = this.sql('SHOW server_version').stdout.trim().split(' ')[0] ?? '';
  }

  /** Fast shutdown (SIGINT): disconnects clients, writes a checkpoint, exits; data is safe. */
  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGINT');
    this.child = undefined;
  }

  private sql(statements: string, database = 'postgres') {
    return runAs(this.user, join(this.bin, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', this.socketDir, '-p', String(this.port), '-U', this.user.name, '-d', database], { input: statements });
  }

  private sqlOrThrow(statements: string, what: string): void {
    const result = this.sql(statements);
    if (result.status !== 0) throw new TwelveError('ADDON_SERVER_FAILED', `${what}: ${result.stderr.trim()}`);
  }

  /** A database owned by a new role; other roles may not connect to it. */
  async provision(name: string, password: string): Promise<AddonSecret> {
    const id = roleName(name);
    this.sqlOrThrow(`CREATE ROLE ${id} LOGIN PASSWORD ${literal(password)};`, `could not create role ${id}`);
    this.sqlOrThrow(`CREATE DATABASE ${id} OWNER ${id};\nREVOKE ALL ON DATABASE ${id} FROM PUBLIC;`, `could not create database ${id}`);
    return { url: `postgres://${id}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${id}`, database: id, user: id };
  }

  async deprovision(secret: AddonSecret): Promise<void> {
    if (!secret.database || !secret.user) return;
    const db = ident(secret.database);
    this.sqlOrThrow(`DROP DATABASE IF EXISTS ${db} WITH (FORCE);`, `could not drop database ${db}`);
    this.sqlOrThrow(`DROP ROLE IF EXISTS ${ident(secret.user)};`, `could not drop role ${secret.user}`);
  }
}
