/**
 * The platform's certificates: the local CA (made once, its key sealed in the store), the certificates
 * apps added or ACME issued (sealed in the store), and the book the router's TLS listener reads. Every
 * change is stored first, then put in the book: the next handshake serves it, no restart, no connection cut.
 */
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { TwelveError } from '../errors.js';
import { defaultHost, type RouteTable } from '../router/route-table.js';
import { autoCertificatesOn, listAcmeStates } from '../store/acme-domains.js';
import { findApp, getApp, listApps, type App } from '../store/apps.js';
import { deleteCertificate, insertCertificate, listCertificates, readPlatformSecret, writePlatformSecretOnce, type StoredCertificate } from '../store/certificates.js';
import type { Db } from '../store/database.js';
import { listDomains } from '../store/domains.js';
import { CertificateBook } from './certificate-book.js';
import { checkCertificate, domainsCovered, leafOf } from './certificate-check.js';
import { LocalCa, type PemPair } from './local-ca.js';

const LOCAL_CA_SECRET = 'local-ca';

/** What `twelve certs` shows of one stored certificate (never the key). */
export interface CertificateView {
  id: number;
  source: 'user' | 'acme';
  /** The app's domains it names. */
  domains: string[];
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

/** Which certificate serves one of the app's domains. */
export interface DomainCertificate {
  hostname: string;
  /** `user` or `acme` (with the certificate's id), or `local-ca` when twelve's own CA signs for it. */
  servedBy: 'user' | 'acme' | 'local-ca';
  certificateId?: number;
  /** With automatic certificates on: ACME's state for the domain (never for NAME.localhost). */
  acme?: { status: 'pending' | 'issued' | 'failing'; error?: string };
}

/** `GET /v1/apps/:app/certs`. */
export interface CertificateList {
  certificates: CertificateView[];
  domains: DomainCertificate[];
  /** Whether `certs:auto:enable` is on for the app. */
  auto: boolean;
}

/** The local CA from the store, made and stored the first time. */
async function loadOrCreateCa(db: Db): Promise<LocalCa> {
  const stored = readPlatformSecret(db, LOCAL_CA_SECRET);
  if (stored !== undefined) return LocalCa.load(JSON.parse(stored) as PemPair);
  const created = await LocalCa.create();
  const kept = writePlatformSecretOnce(db, LOCAL_CA_SECRET, JSON.stringify({ cert: created.rootPem, key: created.rootKeyPem }));
  return LocalCa.load(JSON.parse(kept) as PemPair);
}

export class Certificates {
  readonly book: CertificateBook;
  private readonly ca: Promise<LocalCa>;
  /** The names each app's certificates serve in the book now, to take back when they change. */
  private readonly served = new Map<string, string[]>();

  constructor(private readonly db: Db, table: RouteTable, private readonly logger: Logger) {
    this.ca = loadOrCreateCa(db);
    // The CA may sign for names that reach an app, and for the ones a developer types on this machine.
    const mayIssue = (name: string) => name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0 || table.lookup(name) !== undefined;
    this.book = new CertificateBook(this.ca, { mayIssue });
    for (const app of listApps(db)) this.syncApp(app.name);
  }

  /** The local CA's root certificate (PEM), for a developer to trust. */
  async caPem(): Promise<string> {
    return (await this.ca).rootPem;
  }

  /** The app's domains: NAME.localhost and the ones `domains:add` gave it. */
  domainsOf(app: App): string[] {
    return [defaultHost(app.name), ...listDomains(this.db, app.id).map((domain) => domain.hostname)];
  }

  /**
   * Puts the app's certificates in the book for its current domains: for each domain the newest valid
   * certificate of the user's that covers it, else ACME's, else none (the local CA answers).
   */
  syncApp(appName: string, now = Date.now()): DomainCertificate[] {
    const previous = this.served.get(appName) ?? [];
    this.book.remove(previous);
    this.served.delete(appName);
    const app = findApp(this.db, appName);
    if (!app) return [];
    const certificates = listCertificates(this.db, app.id).filter((entry) => Date.parse(entry.notAfter) > now).reverse();
    const chosen: DomainCertificate[] = [];
    for (const hostname of this.domainsOf(app)) {
      const entry = this.choose(certificates, hostname);
      if (!entry) {
        chosen.push({ hostname, servedBy: 'local-ca' });
        continue;
      }
      try {
        this.book.put([hostname], { cert: entry.cert, key: entry.key });
        chosen.push({ hostname, servedBy: entry.source, certificateId: entry.id });
      } catch (error) {
        this.logger.error({ app: appName, certificate: entry.id, err: error }, 'a stored certificate does not load; the local CA serves its domain');
        chosen.push({ hostname, servedBy: 'local-ca' });
      }
    }
    this.served.set(appName, chosen.filter((entry) => entry.servedBy !== 'local-ca').map((entry) => entry.hostname));
    return chosen;
  }

  private choose(certificates: StoredCertificate[], hostname: string): StoredCertificate | undefined {
    const covering = certificates.filter((entry) => entry.source === 'user' ? domainsCovered(leafOf(entry.cert), [hostname]).length > 0 : entry.domain === hostname);
    return covering.find((entry) => entry.source === 'user') ?? covering[0];
  }

  /** `certs:add`: refuses a key that does not match, a certificate not valid now or naming none of the app's domains. */
  add(appName: string, chain: string, key: string): CertificateView {
    const app = getApp(this.db, appName);
    const checked = checkCertificate(chain, key, this.domainsOf(app));
    const stored = insertCertificate(this.db, { appId: app.id, source: 'user', domain: null, cert: checked.cert, key: checked.key, notBefore: checked.notBefore, notAfter: checked.notAfter });
    this.syncApp(app.name);
    return this.view(app, stored);
  }

  remove(appName: string, id: number): void {
    const app = getApp(this.db, appName);
    if (!Number.isInteger(id)) throw new TwelveError('CERT_NOT_FOUND', `the app has no certificate ${id}`);
    deleteCertificate(this.db, app.id, id);
    this.syncApp(app.name);
  }

  /** The app's certificates and what serves each domain now (re-synced, so an expired certificate drops out here too). */
  list(appName: string): CertificateList {
    const app = getApp(this.db, appName);
    const states = new Map(listAcmeStates(this.db, app.id).map((state) => [state.hostname, state]));
    const auto = autoCertificatesOn(this.db, app.id);
    const domains = this.syncApp(app.name).map((domain) => {
      const state = auto ? states.get(domain.hostname) : undefined;
      return state ? { ...domain, acme: state.error === null ? { status: state.status } : { status: state.status, error: state.error } } : domain;
    });
    return { certificates: listCertificates(this.db, app.id).map((entry) => this.view(app, entry)), domains, auto };
  }

  private view(app: App, entry: StoredCertificate): CertificateView {
    const leaf = leafOf(entry.cert);
    return {
      id: entry.id, source: entry.source, domains: entry.source === 'acme' ? [entry.domain!] : domainsCovered(leaf, this.domainsOf(app)),
      subject: leaf.subject.replace(/\n/g, ', '), issuer: leaf.issuer.replace(/\n/g, ', '), notBefore: entry.notBefore, notAfter: entry.notAfter,
    };
  }
}
