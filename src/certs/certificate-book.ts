/**
 * The certificates the router serves, by host name: the ones an app added or ACME issued (exact names
 * and `*.` wildcards), and for any other name the platform may answer, one signed by the local CA on the
 * first handshake that asks for it. Changing an entry changes the next handshake only: connections
 * already open keep the certificate they started with.
 */
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { CertificateSource } from '../router/tls-listener.js';
import type { LocalCa, PemPair } from './local-ca.js';

interface Entry {
  context: tls.SecureContext;
  /** When to sign again (local CA entries only): a third of the lifetime before the end. */
  renewAt: number;
}

/** Local CA certificates kept at most: a client making up names cannot grow the book without end. */
const MAX_ISSUED = 10_000;

export interface CertificateBookOptions {
  /** Whether the local CA may sign for a name nobody added a certificate for (known hosts, `*.localhost`, IPs). */
  mayIssue(name: string): boolean;
  /** The name a client without SNI is answered for. */
  fallbackName?: string;
}

export class CertificateBook implements CertificateSource {
  /** Certificates added by a user or ACME, by exact name or `*.domain`. */
  private readonly added = new Map<string, Entry>();
  private readonly issued = new Map<string, Entry>();
  private readonly issuing = new Map<string, Promise<Entry>>();

  constructor(private readonly ca: LocalCa | Promise<LocalCa>, private readonly options: CertificateBookOptions) {}

  /** Serves `pair` for each of `names` from the next handshake on (replacing what served them). */
  put(names: readonly string[], pair: PemPair): void {
    const entry = { context: tls.createSecureContext(pair), renewAt: Infinity };
    for (const name of names) this.added.set(name.toLowerCase(), entry);
  }

  /** Stops serving an added certificate for `names`: the local CA takes them over. */
  remove(names: readonly string[]): void {
    for (const name of names) this.added.delete(name.toLowerCase());
  }

  async contextFor(servername: string): Promise<tls.SecureContext | undefined> {
    const name = servername.toLowerCase().replace(/\.$/, '');
    const added = this.added.get(name) ?? this.added.get(wildcardOf(name));
    if (added) return added.context;
    const issued = this.issued.get(name);
    if (issued && issued.renewAt > Date.now()) return issued.context;
    if (!this.options.mayIssue(name)) return issued?.context;
    return (await this.issue(name)).context;
  }

  async fallback(): Promise<PemPair> {
    return (await this.ca).issue([this.options.fallbackName ?? 'localhost']);
  }

  /** One signing per name at a time, however many handshakes ask at once. */
  private issue(name: string): Promise<Entry> {
    let pending = this.issuing.get(name);
    if (pending) return pending;
    pending = Promise.resolve(this.ca).then((ca) => ca.issue([name])).then((pair) => {
      const cert = new X509Certificate(pair.cert);
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      const entry = { context: tls.createSecureContext(pair), renewAt: to - (to - from) / 3 };
      if (this.issued.size >= MAX_ISSUED && !this.issued.has(name)) this.issued.delete(this.issued.keys().next().value!);
      this.issued.set(name, entry);
      return entry;
    }).finally(() => this.issuing.delete(name));
    this.issuing.set(name, pending);
    return pending;
  }
}

/** `a.example.com` -> `*.example.com`: what a wildcard certificate for it is filed under. */
function wildcardOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : `*${name.slice(dot)}`;
}
