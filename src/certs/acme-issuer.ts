/**
 * One ACME (RFC 8555) order through acme-client: a new key and CSR for one domain, the HTTP-01 challenge
 * answered by the router's plain port (its key authorization put in the shared challenge map for the
 * time of the order), and the certificate chain back. acme-client is loaded with the first account or
 * order, not with twelve: about 25 MB of resident memory that most twelves never need (docs/memory.md).
 */
import { createRequire } from 'node:module';
import type acme from 'acme-client';
import type { PemPair } from './local-ca.js';

const require = createRequire(import.meta.url);

function acmeClient(): typeof acme {
  return require('acme-client') as typeof acme;
}

export class AcmeIssuer {
  private readonly client: acme.Client;
  private account: Promise<unknown> | undefined;

  /** `accountKey`: PEM, made once per directory and kept sealed (certificates.ts). */
  constructor(directoryUrl: string, accountKey: string, private readonly challenges: Map<string, string>) {
    this.client = new (acmeClient().Client)({ directoryUrl, accountKey, backoffAttempts: 10, backoffMin: 500, backoffMax: 5000 });
  }

  static async createAccountKey(): Promise<string> {
    return (await acmeClient().crypto.createPrivateEcdsaKey('P-256')).toString();
  }

  /** Orders a certificate for `domain`; rejects with the CA's reason when the challenge fails. */
  async issue(domain: string): Promise<PemPair> {
    this.account ??= this.client.createAccount({ termsOfServiceAgreed: true }).catch((error: unknown) => {
      this.account = undefined;
      throw error;
    });
    await this.account;
    const [key, csr] = await acmeClient().crypto.createCsr({ commonName: domain, altNames: [domain] }, await acmeClient().crypto.createPrivateEcdsaKey('P-256'));
    const cert = await this.client.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // The CA checks it; a check of our own would need this machine to reach itself by the domain name.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => { this.challenges.set(challenge.token, keyAuthorization); },
      challengeRemoveFn: async (_authz, challenge) => { this.challenges.delete(challenge.token); },
    });
    return { cert, key: key.toString() };
  }
}
