/**
 * The routing table: which app answers to a Host header, and which of its web processes gets the next
 * request. Pure and synchronous, so the supervisor can change it between two requests without locks.
 */


/** One running web process the router may send requests to. */
export interface Backend {
  /** Stable id of the process (the supervisor's process id); removeBackend names it. */
  id: string;
  /** Process name for the log line, e.g. `web.1`. */
  process: string;
  /** Port on 127.0.0.1 the process listens on. */
  port: number;
}

export interface Route {
  app: string;
  backends: readonly Backend[];
  /** The app's force-https and HSTS switches; undefined when neither is on. */
  https: HttpsPolicy | undefined;
}

interface AppEntry {
  hosts: string[];
  backends: Backend[];
  /** Index into `backends` of the next pick; taken modulo the length because backends come and go. */
  cursor: number;
  https?: HttpsPolicy;
}

/** An app's https switches (`features:enable force-https|hsts`); undefined on a route means neither. */
export interface HttpsPolicy {
  /** Plain requests get a 308 to the same URL over https (ACME challenges excepted). */
  forceHttps: boolean;
  /** Responses over https carry Strict-Transport-Security. */
  hsts: boolean;
}

/**
 * Lowercases a Host header and drops its port and trailing dot: `Hello.localhost.:5000` -> `hello.localhost`.
 * Bracketed IPv6 literals keep their brackets: `[::1]:5000` -> `[::1]`.
 */
export function normalizeHost(hostHeader: string | undefined): string {
  let host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end === -1 ? host : host.slice(0, end + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) host = host.slice(0, colon);
  }
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/** The host every app answers to, whatever its extra domains. */
export function defaultHost(app: string): string {
  return `${app}.localhost`;
}

/**
 * @example
 * const table = new RouteTable();
 * table.setApp('hello', ['hello.example.com']);
 * table.addBackend('hello', { id: 'p1', process: 'web.1', port: 20001 });
 * table.lookup('Hello.localhost:5000'); // { app: 'hello', backends: [{ id: 'p1', ... }] }
 * table.pick('hello');                  // { id: 'p1', ... }
 */
export class RouteTable {
  private readonly apps = new Map<string, AppEntry>();
  private readonly hosts = new Map<string, string>();

  /** Declares the app (keeping its backends if it exists) and replaces its extra domains. */
  setApp(app: string, extraHosts: string[] = []): void {
    const entry = this.apps.get(app) ?? { hosts: [], backends: [], cursor: 0 };
    this.unbindHosts(app, entry);
    const hosts = [defaultHost(app), ...extraHosts.map(normalizeHost)].filter((host) => host !== '');
    entry.hosts = [];
    for (const host of new Set(hosts)) {
      const owner = this.hosts.get(host);
      if (owner !== undefined && owner !== app) {
        // NAME.localhost always belongs to NAME; any other domain moves to the app that claimed it last.
        if (host === defaultHost(owner)) continue;
        const other = this.apps.get(owner);
        if (other) other.hosts = other.hosts.filter((h) => h !== host);
      }
      entry.hosts.push(host);
      this.hosts.set(host, app);
    }
    this.apps.set(app, entry);
  }

  /** Sets the app's https switches (undefined: neither); declares the app if needed. */
  setHttpsPolicy(app: string, policy: HttpsPolicy | undefined): void {
    if (!this.apps.has(app)) this.setApp(app);
    this.apps.get(app)!.https = policy === undefined || (!policy.forceHttps && !policy.hsts) ? undefined : { ...policy };
  }

  removeApp(app: string): void {
    const entry = this.apps.get(app);
    if (!entry) return;
    this.unbindHosts(app, entry);
    this.apps.delete(app);
  }

  /** Adds a web process that came up; declares the app if needed. A backend with the same id is replaced. */
  addBackend(app: string, backend: Backend): void {
    if (!this.apps.has(app)) this.setApp(app);
    const entry = this.apps.get(app)!;
    const index = entry.backends.findIndex((existing) => existing.id === backend.id);
    if (index === -1) entry.backends.push({ ...backend });
    else entry.backends[index] = { ...backend };
  }

  /** Stops sending new requests to a process; requests already sent to it are not affected. */
  removeBackend(app: string, backendId: string): void {
    const entry = this.apps.get(app);
    if (!entry) return;
    const index = entry.backends.findIndex((backend) => backend.id === backendId);
    if (index === -1) return;
    entry.backends.splice(index, 1);
    // Keep the rotation where it was: the backend after the removed one is still next.
    if (index < entry.cursor) entry.cursor -= 1;
  }

  /** The app a Host header names (case-insensitive, port and trailing dot ignored), or undefined. */
  lookup(hostHeader: string | undefined): Route | undefined {
    const app = this.hosts.get(normalizeHost(hostHeader));
    if (app === undefined) return undefined;
    const entry = this.apps.get(app)!;
    return { app, backends: entry.backends, https: entry.https };
  }

  /** The app's next backend in round-robin order, skipping the ids in `exclude`; undefined when none is left. */
  pick(app: string, exclude?: Set<string>): Backend | undefined {
    const entry = this.apps.get(app);
    if (!entry || entry.backends.length === 0) return undefined;
    const count = entry.backends.length;
    for (let step = 0; step < count; step++) {
      const index = (entry.cursor + step) % count;
      const backend = entry.backends[index]!;
      if (exclude?.has(backend.id)) continue;
      entry.cursor = (index + 1) % count;
      return backend;
    }
    return undefined;
  }

  private unbindHosts(app: string, entry: AppEntry): void {
    for (const host of entry.hosts) {
      if (this.hosts.get(host) === app) this.hosts.delete(host);
    }
  }
}
