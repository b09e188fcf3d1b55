/**
 * Automatic certificates: for every custom domain of an app with `certs:auto:enable`, a certificate from
 * the ACME directory, ordered when there is none and again when a third of its lifetime is left. The
 * state of each domain is kept (`pending`, `issued`, `failing` with the CA's reason); a failed renewal
 * leaves the old certificate serving until it expires, and is tried again at the next pass.
 */
import type { Logger } from 'pino';
import { errorText } from '../errors.js';
import { getApp, getAppById, type App } from '../store/apps.js';
import { appsWithAutoCertificates, listAcmeStates, setAcmeState, setAutoCertificates } from '../store/acme-domains.js';
import { listCertificates, readPlatformSecret, replaceAcmeCertificate, writePlatformSecretOnce } from '../store/certificates.js';
import type { Db } from '../store/database.js';
import { AcmeIssuer } from './acme-issuer.js';
import { leafOf } from './certificate-check.js';
import type { Certificates } from './certificates.js';

/** How often the renewer looks at every domain; orders happen only when one is due. */
const PASS_INTERVAL_MS = 60 * 60 * 1000;
const STOP_WAIT_MS = 5_000;

export interface AcmeRenewerDeps {
  db: Db;
  certs: Certificates;
  /** The router's challenge map (RouterDeps.challenges). */
  challenges: Map<string, string>;
  directoryUrl: string;
  logger: Logger;
  /** The clock, moved forward by tests of renewal. */
  now?: () => number;
}

/** Whether a certificate valid from `notBefore` to `notAfter` is due: a third of its lifetime or less left. */
export function renewalDue(notBefore: string, notAfter: string, now: number): boolean {
  const from = Date.parse(notBefore);
  const to = Date.parse(notAfter);
  return to - now <= (to - from) / 3;
}

/** ACME orders for one-label or `.localhost` names cannot succeed: those stay with the local CA. */
export function acmeCanIssue(hostname: string): boolean {
  return hostname.includes('.') && !hostname.endsWith('.localhost') && hostname !== 'localhost';
}

export class AcmeRenewer {
  private issuer: Promise<AcmeIssuer> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: AcmeRenewerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Passes every hour from now on (the first one at once). */
  start(): void {
    this.timer = setInterval(() => void this.pass(), PASS_INTERVAL_MS);
    this.timer.unref();
    void this.pass();
  }

  /** Stops the timer and lets a pass under way finish, for a few seconds at most (an order may take longer). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => { timer = setTimeout(resolve, STOP_WAIT_MS); })]);
    clearTimeout(timer);
  }

  enable(appName: string): void {
    const app = getApp(this.deps.db, appName);
    setAutoCertificates(this.deps.db, app.id, true);
    for (const hostname of this.deps.certs.domainsOf(app).filter(acmeCanIssue)) {
      if (!listAcmeStates(this.deps.db, app.id).some((state) => state.hostname === hostname)) setAcmeState(this.deps.db, app.id, hostname, 'pending');
    }
    void this.pass();
  }

  /** Stops ordering for the app; the certificates already issued serve until they expire. */
  disable(appName: string): void {
    setAutoCertificates(this.deps.db, getApp(this.deps.db, appName).id, false);
  }

  /**
   * One look at every domain of every app with automatic certificates; resolves when done. A pass asked
   * for while one runs makes one more after it (a domain added meanwhile is not missed). Never rejects:
   * what fails is logged, and the next pass tries again.
   */
  pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (const appId of appsWithAutoCertificates(this.deps.db)) await this.passApp(getAppById(this.deps.db, appId));
        } while (this.again);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'ACME: a pass over the domains failed');
      }
    })().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async passApp(app: App): Promise<void> {
    const { db } = this.deps;
    const issued = listCertificates(db, app.id).filter((entry) => entry.source === 'acme');
    for (const hostname of this.deps.certs.domainsOf(app).filter(acmeCanIssue)) {
      const current = issued.filter((entry) => entry.domain === hostname).at(-1);
      if (current && !renewalDue(current.notBefore, current.notAfter, this.now())) continue;
      if (!current) setAcmeState(db, app.id, hostname, 'pending');
      try {
        const pair = await (await this.acmeIssuer()).issue(hostname);
        const leaf = leafOf(pair.cert);
        replaceAcmeCertificate(db, { appId: app.id, domain: hostname, cert: pair.cert, key: pair.key, notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString() });
        setAcmeState(db, app.id, hostname, 'issued');
        this.deps.certs.syncApp(app.name);
        this.deps.logger.info({ app: app.name, hostname, notAfter: leaf.validTo }, 'ACME: certificate issued');
      } catch (error) {
        const reason = errorText(error).replace(/\s+/g, ' ').slice(0, 300);
        setAcmeState(db, app.id, hostname, 'failing', reason);
        this.deps.logger.warn({ app: app.name, hostname, reason }, 'ACME: ordering a certificate failed; the current one (if any) keeps serving');
      }
    }
  }

  /** The issuer for the directory, with its account key made once and sealed in the store. */
  private acmeIssuer(): Promise<AcmeIssuer> {
    this.issuer ??= (async () => {
      const name = `acme-account ${this.deps.directoryUrl}`;
      const key = readPlatformSecret(this.deps.db, name) ?? writePlatformSecretOnce(this.deps.db, name, await AcmeIssuer.createAccountKey());
      return new AcmeIssuer(this.deps.directoryUrl, key, this.deps.challenges);
    })();
    return this.issuer;
  }
}
