/** The only reader of process.env for the platform: every TWELVE_* variable, typed, with its default. */
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { TwelveError } from './errors.js';

export interface Settings {
  /** Where the store, builds, runtimes and the generated API token live. */
  dataDir: string;
  /** Port of the HTTP API the CLI talks to. */
  apiPort: number;
  /** The router's plain HTTP port; apps are reached as NAME.localhost on it. */
  routerPort: number;
  /** The router's https port (docs/https.md). */
  httpsPort: number;
  /** The ACME server's directory URL, for `certs:auto:enable`. */
  acmeDirectory: string;
  /** Address the API binds to: loopback unless TWELVE_API_ALLOW_INSECURE=1 (it speaks plain HTTP). */
  apiBind: string;
  /** Address the router binds to. */
  routerBind: string;
  /** Key that seals config at rest; when unset, one generated into the data dir (secret-key) is used. */
  secretKey: string | undefined;
  /** Bearer token the API requires; generated into the data dir when unset. */
  apiToken: string | undefined;
  /** Ports handed to web processes as PORT, kept below the kernel's ephemeral range. */
  processPortRange: [number, number];
  /** How long a stopping process gets between SIGTERM and SIGKILL. */
  stopTimeoutMs: number;
  /** How long a new process may take to accept connections before its boot counts as failed. */
  bootTimeoutMs: number;
  /** How long a non-web process must stay alive to count as up. */
  settleMs: number;
  /** A release whose processes crash this often within crashWindowMs of going live is rolled back. */
  crashWindowMs: number;
  /** How long the Procfile's `release` command may run before the release is refused. */
  releaseTimeoutMs: number;
  /** How many builds of each app are kept (an app's own setting overrides it). */
  buildRetention: number;
  /** pino log level for the platform's own log lines. */
  logLevel: string;
  /** Whether twelve measures itself and its apps (/metrics, runtime-metrics, `twelve metrics`). */
  metrics: boolean;
  /** host:port of a second /metrics listener without auth, for a local scraper; none when unset. */
  metricsBind: { host: string; port: number } | undefined;
  /** Where to push metrics and request spans over OTLP/HTTP (protobuf); none when unset. */
  otlpEndpoint: string | undefined;
  /** How often metrics are pushed to the OTLP endpoint. */
  otlpIntervalMs: number;
  /** Python interpreters (executables, or directories holding bin/python3) builds may choose from, besides PATH and pyenv's. */
  pythonPaths: string[];
  /** Most bytes a deploy's upload may have, and its archive unpacked. */
  maxSourceBytes: number;
  /** Most entries (files, directories, links) a deploy's archive may hold. */
  maxSourceEntries: number;
  /** Whether app processes and build steps run sandboxed (docs/security.md). */
  sandbox: 'on' | 'off';
  /** More host directories every sandbox may read, e.g. a local package mirror the build settings name. */
  sandboxReadOnly: string[];
  /** The operator's build settings: variables every build step sees (docs/environment.md). */
  buildEnv: Record<string, string>;
}

/** The defaults of TWELVE_MAX_SOURCE_MB and TWELVE_MAX_SOURCE_ENTRIES, for callers without settings. */
export const SOURCE_LIMIT_DEFAULTS = { megabytes: 500, entries: 100_000 } as const;

/** One row per variable: the documentation in docs/configuration.md is checked against this list. */
export const SETTINGS_DOC: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: 'TWELVE_DATA_DIR', default: '~/.twelve', meaning: 'state: SQLite store, builds, runtimes, API token' },
  { name: 'TWELVE_API_PORT', default: '5100', meaning: 'port of the HTTP API' },
  { name: 'TWELVE_ROUTER_PORT', default: '5000', meaning: 'public port of the router' },
  { name: 'TWELVE_HTTPS_PORT', default: '5443 (0, a free port, when TWELVE_ROUTER_PORT is 0)', meaning: 'https port of the router (443 in a real install: docs/https.md)' },
  { name: 'TWELVE_ACME_DIRECTORY', default: 'https://acme-v02.api.letsencrypt.org/directory', meaning: 'ACME server that issues automatic certificates (`certs:auto:enable`)' },
  { name: 'TWELVE_BIND', default: '127.0.0.1', meaning: 'address the API and the router bind to, unless set apart below' },
  { name: 'TWELVE_API_BIND', default: '(TWELVE_BIND)', meaning: 'address the API binds to; beyond loopback only with TWELVE_API_ALLOW_INSECURE=1' },
  { name: 'TWELVE_ROUTER_BIND', default: '(TWELVE_BIND)', meaning: 'address the router binds to' },
  { name: 'TWELVE_API_ALLOW_INSECURE', default: '0', meaning: '1 lets the API (plain HTTP, the token in every request) bind beyond loopback' },
  { name: 'TWELVE_SECRET_KEY', default: '(generated, kept in DATA_DIR/secret-key)', meaning: 'key that encrypts config values at rest (AES-256-GCM)' },
  { name: 'TWELVE_API_TOKEN', default: '(generated, kept in DATA_DIR/api-token)', meaning: 'bearer token for the API' },
  { name: 'TWELVE_PORT_RANGE', default: '20000-29999', meaning: 'ports given to web processes as PORT' },
  { name: 'TWELVE_STOP_TIMEOUT', default: '30', meaning: 'seconds between SIGTERM and SIGKILL when stopping a process' },
  { name: 'TWELVE_BOOT_TIMEOUT', default: '60', meaning: 'seconds a new process has to come up' },
  { name: 'TWELVE_SETTLE_TIME', default: '3', meaning: 'seconds a non-web process must stay running to count as up' },
  { name: 'TWELVE_CRASH_WINDOW', default: '60', meaning: 'seconds after going live in which a crash-looping release is rolled back (0: never)' },
  { name: 'TWELVE_RELEASE_TIMEOUT', default: '600', meaning: 'seconds the Procfile\'s release command may run before the release is refused' },
  { name: 'TWELVE_BUILD_RETENTION', default: '10', meaning: 'builds kept per app (`twelve builds:retention N -a APP` overrides it for one app)' },
  { name: 'TWELVE_LOG_LEVEL', default: 'info', meaning: 'level of the platform\'s own logs (pino)' },
  { name: 'TWELVE_METRICS', default: 'on', meaning: '`off`: twelve measures nothing (no /metrics, runtime-metrics or `twelve metrics`; the router counts nothing)' },
  { name: 'TWELVE_METRICS_BIND', default: '(none)', meaning: 'HOST:PORT of a second `/metrics` listener without the API token, for a local Prometheus (docs/telemetry.md)' },
  { name: 'TWELVE_OTLP_INTERVAL', default: '10', meaning: 'seconds between two pushes of the metrics to TWELVE_OTLP_ENDPOINT' },
  { name: 'TWELVE_OTLP_ENDPOINT', default: '(none)', meaning: 'OTLP/HTTP base URL (e.g. http://127.0.0.1:4318): metrics and a span per request are pushed there (docs/telemetry.md)' },
  { name: 'TWELVE_PYTHON_PATHS', default: '(none)', meaning: 'more Python interpreters for builds, `:`-separated: executables, or directories holding bin/python3' },
  { name: 'TWELVE_MAX_SOURCE_MB', default: String(SOURCE_LIMIT_DEFAULTS.megabytes), meaning: 'most megabytes a deploy may upload, and its archive unpack to' },
  { name: 'TWELVE_MAX_SOURCE_ENTRIES', default: String(SOURCE_LIMIT_DEFAULTS.entries), meaning: 'most entries (files, directories, links) a deploy archive may hold' },
  { name: 'TWELVE_SANDBOX', default: 'on', meaning: 'run every app process and build step in its sandbox (`off` runs them as twelve\'s own user: docs/security.md)' },
  { name: 'TWELVE_SANDBOX_READ_ONLY', default: '(none)', meaning: 'colon-separated host directories every sandbox may read, e.g. a local package mirror' },
  { name: 'TWELVE_BUILD_ENV', default: '(none)', meaning: 'comma-separated variables every build step sees: `NAME` copies twelve\'s own value, `NAME=VALUE` sets one (docs/environment.md)' },
];

type Env = Record<string, string | undefined>;

function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TwelveError('INVALID_SETTING', `${name}=${raw} is not a port number (0-65535)`);
  }
  return port;
}

function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new TwelveError('INVALID_SETTING', `${name}=${raw} is not a number of seconds`);
  }
  return Math.round(seconds * 1000);
}

function readCount(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new TwelveError('INVALID_SETTING', `${name}=${raw} is not a whole number of at least 1`);
  return count;
}

function readSwitch(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === '1' || raw === 'true') return true;
  if (raw === 'off' || raw === '0' || raw === 'false') return false;
  throw new TwelveError('INVALID_SETTING', `${name}=${raw} must be on or off`);
}

function readHostPort(env: Env, name: string): { host: string; port: number } | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const match = /^(.+):(\d+)$/.exec(raw);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new TwelveError('INVALID_SETTING', `${name}=${raw} must look like 127.0.0.1:9100`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

function readUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw new TwelveError('INVALID_SETTING', `${name}=${raw} must be an http:// or https:// URL`);
  return raw.replace(/\/+$/, '');
}

function readPortRange(env: Env): [number, number] {
  const raw = env.TWELVE_PORT_RANGE ?? '20000-29999';
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2]) : NaN;
  if (!match || low < 1024 || high > 65535 || low > high) {
    throw new TwelveError('INVALID_SETTING', `TWELVE_PORT_RANGE=${raw} must look like 20000-29999 (1024-65535)`);
  }
  return [low, high];
}

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/** 127.0.0.0/8, ::1 (or either written as IPv4-mapped IPv6), and the name localhost. */
export function isLoopback(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * The API speaks plain HTTP and every request carries the token that controls every app: beyond
 * loopback anyone on the path could read it, so that takes an explicit yes.
 */
function readApiBind(env: Env): string {
  const bind = env.TWELVE_API_BIND || env.TWELVE_BIND || '127.0.0.1';
  const allow = env.TWELVE_API_ALLOW_INSECURE ?? '';
  if (!['', '0', '1'].includes(allow)) throw new TwelveError('INVALID_SETTING', `TWELVE_API_ALLOW_INSECURE=${allow} must be 1 or 0`);
  if (isLoopback(bind) || allow === '1') return bind;
  const name = env.TWELVE_API_BIND ? 'TWELVE_API_BIND' : 'TWELVE_BIND';
  throw new TwelveError('INVALID_SETTING', `${name}=${bind} would serve the API beyond this machine in plain HTTP, its token readable on the way: bind the API to 127.0.0.1 (TWELVE_API_BIND) and reach it through SSH or a TLS proxy, or set TWELVE_API_ALLOW_INSECURE=1 on a network you trust`);
}

export function defaultDataDir(env: Env = process.env): string {
  return resolve(env.TWELVE_DATA_DIR || join(homedir(), '.twelve'));
}

export function readSettings(env: Env = process.env): Settings {
  return {
    dataDir: defaultDataDir(env),
    apiPort: readPort(env, 'TWELVE_API_PORT', 5100),
    routerPort: readPort(env, 'TWELVE_ROUTER_PORT', 5000),
    // A router on a free port (tests) gets a free https port too, so twelves side by side never collide on 5443.
    httpsPort: readPort(env, 'TWELVE_HTTPS_PORT', readPort(env, 'TWELVE_ROUTER_PORT', 5000) === 0 ? 0 : 5443),
    acmeDirectory: readUrl(env, 'TWELVE_ACME_DIRECTORY') ?? LETS_ENCRYPT_DIRECTORY,
    apiBind: readApiBind(env),
    routerBind: env.TWELVE_ROUTER_BIND || env.TWELVE_BIND || '127.0.0.1',
    apiToken: env.TWELVE_API_TOKEN || undefined,
    secretKey: env.TWELVE_SECRET_KEY || undefined,
    processPortRange: readPortRange(env),
    stopTimeoutMs: readSeconds(env, 'TWELVE_STOP_TIMEOUT', 30),
    bootTimeoutMs: readSeconds(env, 'TWELVE_BOOT_TIMEOUT', 60),
    settleMs: readSeconds(env, 'TWELVE_SETTLE_TIME', 3),
    crashWindowMs: readSeconds(env, 'TWELVE_CRASH_WINDOW', 60),
    releaseTimeoutMs: readSeconds(env, 'TWELVE_RELEASE_TIMEOUT', 600),
    buildRetention: readCount(env, 'TWELVE_BUILD_RETENTION', 10),
    logLevel: env.TWELVE_LOG_LEVEL || 'info',
    metrics: readSwitch(env, 'TWELVE_METRICS', true),
    metricsBind: readHostPort(env, 'TWELVE_METRICS_BIND'),
    otlpEndpoint: readUrl(env, 'TWELVE_OTLP_ENDPOINT'),
    otlpIntervalMs: Math.max(100, readSeconds(env, 'TWELVE_OTLP_INTERVAL', 10)),
    pythonPaths: (env.TWELVE_PYTHON_PATHS ?? '').split(':').filter((entry) => entry !== '').map((entry) => resolve(entry)),
    maxSourceBytes: readCount(env, 'TWELVE_MAX_SOURCE_MB', SOURCE_LIMIT_DEFAULTS.megabytes) * 1024 * 1024,
    maxSourceEntries: readCount(env, 'TWELVE_MAX_SOURCE_ENTRIES', SOURCE_LIMIT_DEFAULTS.entries),
    sandbox: readSandboxMode(env),
    sandboxReadOnly: (env.TWELVE_SANDBOX_READ_ONLY ?? '').split(':').filter((dir) => dir !== ''),
    buildEnv: readBuildEnv(env),
  };
}

function readSandboxMode(env: Env): 'on' | 'off' {
  const raw = env.TWELVE_SANDBOX ?? 'on';
  if (raw === 'on' || raw === '') return 'on';
  if (raw === 'off') return 'off';
  throw new TwelveError('INVALID_SETTING', `TWELVE_SANDBOX=${raw} must be on or off`);
}

/** `PIP_FIND_LINKS,HTTP_PROXY=http://proxy:3128`: a name copies twelve's value (skipped when unset), NAME=VALUE sets it. */
function readBuildEnv(env: Env): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of (env.TWELVE_BUILD_ENV ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const equals = item.indexOf('=');
    const name = equals === -1 ? item : item.slice(0, equals);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.startsWith('TWELVE_')) {
      throw new TwelveError('INVALID_SETTING', `TWELVE_BUILD_ENV: "${item}" is not NAME or NAME=VALUE (and twelve's own TWELVE_* settings never reach a build)`);
    }
    const value = equals === -1 ? env[name] : item.slice(equals + 1);
    if (value !== undefined) result[name] = value;
  }
  return result;
}
