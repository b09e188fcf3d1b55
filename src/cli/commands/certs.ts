/** `certs`, `certs:add`, `certs:remove`, `certs:ca`, `certs:auto:enable|disable`: the certificates the https port serves (docs/https.md). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CaView, CertificateList, CertificateRemoved, CertificateView } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('INVALID_ARGUMENT', `cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'Pass the path of a PEM file.');
  }
}

/** What serves each domain, and ACME's state for it. */
export function formatCertificates(app: string, list: CertificateList): string {
  const lines = [`=== ${app} Certificates`];
  if (list.certificates.length === 0) lines.push('(none added: the local CA signs for every domain; `twelve certs:ca` prints its root)');
  for (const cert of list.certificates) {
    lines.push(`${cert.id}  ${cert.source.padEnd(4)}  ${cert.domains.join(', ')}  expires ${cert.notAfter.slice(0, 10)}  issuer ${cert.issuer}`);
  }
  lines.push(`=== ${app} Domains${list.auto ? ' (automatic certificates on)' : ''}`);
  for (const domain of list.domains) {
    const served = domain.servedBy === 'local-ca' ? 'local CA' : `certificate ${domain.certificateId} (${domain.servedBy})`;
    const acme = domain.acme ? `  ACME: ${domain.acme.status}${domain.acme.error ? `: ${domain.acme.error}` : ''}` : '';
    lines.push(`${domain.hostname}  ${served}${acme}`);
  }
  return lines.join('\n');
}

export function registerCertsCommands(program: Command): void {
  withAppOptions(program.command('certs').description('list the app\'s certificates and what serves each of its domains'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const list = await createClient().request<CertificateList>('GET', appPath(app, '/certs'));
      if (options.json) return printJson(list);
      print(formatCertificates(app, list));
    });

  withAppOptions(program.command('certs:add')
    .argument('<cert>', 'PEM file with the certificate chain, leaf first')
    .argument('<key>', 'PEM file with its private key')
    .description('serve a certificate for the app\'s domains it names'))
    .action(async (certFile: string, keyFile: string, options: CommonOptions) => {
      const app = requireApp(options);
      const body = { cert: readPem(certFile, 'certificate'), key: readPem(keyFile, 'key') };
      const added = await action(`Adding certificate to ${app}`, options.json,
        () => createClient().request<CertificateView>('POST', appPath(app, '/certs'), body), (view) => `done, certificate ${view.id} for ${view.domains.join(', ')}`);
      if (options.json) printJson(added);
    });

  withAppOptions(program.command('certs:remove')
    .argument('<id>', 'the certificate\'s id, as `twelve certs` shows it')
    .description('stop serving a certificate (the local CA or ACME takes its domains over)'))
    .action(async (id: string, options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Removing certificate ${id} from ${app}`, options.json,
        () => createClient().request<CertificateRemoved>('DELETE', appPath(app, `/certs/${encodeURIComponent(id)}`)));
      if (options.json) printJson(answer);
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    withAppOptions(program.command(`certs:auto:${verb}`).description(enabled
      ? 'get certificates for the app\'s custom domains over ACME (TWELVE_ACME_DIRECTORY), renewed automatically'
      : 'stop ordering certificates for the app (the ones issued serve until they expire)'))
      .action(async (options: CommonOptions) => {
        const app = requireApp(options);
        const list = await action(`${enabled ? 'Enabling' : 'Disabling'} automatic certificates for ${app}`, options.json,
          () => createClient().request<CertificateList>('PUT', appPath(app, '/certs/auto'), { enabled }));
        if (options.json) return printJson(list);
        if (enabled) print('Each custom domain shows `pending` until its certificate is issued: `twelve certs -a APP`.'.replace('APP', app));
      });
  }

  withJsonOption(program.command('certs:ca').description('print the root certificate of twelve\'s local CA, for a browser or curl to trust'))
    .action(async (options: CommonOptions) => {
      const answer = await createClient().request<CaView>('GET', '/v1/certs/ca');
      if (options.json) return printJson(answer);
      process.stdout.write(answer.pem.endsWith('\n') ? answer.pem : `${answer.pem}\n`);
    });
}
