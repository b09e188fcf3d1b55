/** III. Config: nothing that varies between deploys written in the code or in per-environment files. */
import type { Codebase } from '../codebase-scan.js';
import { isAddress, isCredentialKey, type LiteralFact } from '../facts.js';
import type { Finding } from '../report.js';
import { finding, MESSAGE_CALLEE, type Check } from './check.js';

/** Keys under which a literal is shown to people, not used. */
const MESSAGE_KEY = /^(message|msg|description|help|title|label|text|example|summary|comment|doc|hint)$/i;
const PER_ENVIRONMENT = /(^|\/)(config\/(production|staging|prod|development|dev|test|local|qa)\.(json|js|cjs|mjs|ts|ya?ml|toml)|settings_(prod|production|staging|dev|development|local)\.py|settings\/(prod|production|staging|dev|development|local)\.py|\.env\.(production|staging|prod|development|dev|local))$/;
const USUAL_ENVIRONMENTS = new Set(['production', 'development', 'test']);
const SECRET_FILE = /(^|\/)\.env(\.[\w-]+)?$/;
const EXAMPLE_FILE = /\.(example|sample|template|dist|defaults)$/;

/** Calls given the address the app listens on, not one it connects to: factor VII's business. */
const BINDS = /(^|\.)(listen|bind|HTTPServer|ThreadingHTTPServer|TCPServer|ThreadingTCPServer|make_server|run|run_app|serve)$/;

/** A literal that is used (passed to a call, given to a name), not shown in a message nor bound to listen on. */
export function isUsed(literal: LiteralFact): boolean {
  if (literal.callee !== undefined) return !MESSAGE_CALLEE.test(literal.callee) && !BINDS.test(literal.callee) && !MESSAGE_KEY.test(literal.key ?? '');
  return literal.key !== undefined && !MESSAGE_KEY.test(literal.key);
}

/** The host of an address literal, and whether it names a machine that differs between deploys. */
export function hostOf(value: string): { host: string; port?: number; user?: string; password?: string } | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`;
  try {
    const url = new URL(withScheme);
    return { host: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), ...(url.username ? { user: url.username } : {}), ...(url.password ? { password: url.password } : {}) };
  } catch {
    return undefined; // not a URL after all: nothing to report
  }
}

const BIND_ALL = new Set(['0.0.0.0', '::', '[::]']);
const PRIVATE_HOST = /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?$)|\.(local|internal|lan|localdomain)$/;

/** A host or URL that belongs in config: a local or private machine, an explicit port, or one with a password. */
export function isDeployAddress(value: string): boolean {
  if (!isAddress(value)) return false;
  const parsed = hostOf(value);
  if (!parsed || BIND_ALL.has(parsed.host) || parsed.host === '') return false;
  return PRIVATE_HOST.test(parsed.host) || parsed.port !== undefined || parsed.password !== undefined;
}

function inCode(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  for (const source of codebase.sources) {
    for (const literal of source.literals) {
      if (!isUsed(literal)) continue;
      const where = { file: source.file, line: literal.line };
      const password = isAddress(literal.value) ? hostOf(literal.value)?.password : undefined;
      if (password || (literal.key && isCredentialKey(literal.key) && !isAddress(literal.value) && literal.value.length >= 4 && !/^[A-Z_]+$/.test(literal.value))) {
        found.push(finding('fail', 'credentials-in-code', `a credential written in the code${literal.key ? ` (${literal.key})` : ''}`, where,
          'Read it from the environment (process.env.X, os.environ["X"]) and set it with `twelve config:set X=...`; change the credential, it is in the history.'));
      } else if (isDeployAddress(literal.value)) {
        found.push(finding('warn', 'hosts-in-code', `${literal.value} written in the code${literal.callee ? ` (passed to ${literal.callee})` : literal.key ? ` (${literal.key})` : ''}`, where,
          'Read the address from the environment (e.g. DATABASE_URL), with no default that only works on one machine.'));
      }
    }
  }
  return found;
}

function perEnvironment(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  for (const file of codebase.files) {
    if (PER_ENVIRONMENT.test(file)) {
      found.push(finding('warn', 'per-environment-config', 'a config file for one named environment', { file },
        'Move its values into environment variables; keep one code path for every deploy.'));
    }
  }
  for (const source of codebase.sources) {
    for (const compare of source.envCompares) {
      if (USUAL_ENVIRONMENTS.has(compare.value)) continue;
      found.push(finding('warn', 'environment-branches', `branches on ${compare.name} === '${compare.value}'`, { file: source.file, line: compare.line },
        'Give each behaviour its own config variable (FEATURE_X=on) instead of testing the environment\'s name.'));
    }
  }
  return found;
}

function secretsCommitted(codebase: Codebase): Finding[] {
  if (codebase.origin.kind === 'build') return [];
  if (codebase.tracked === null) {
    return codebase.files.filter((file) => SECRET_FILE.test(file) && !EXAMPLE_FILE.test(file)).map((file) =>
      finding('warn', 'env-in-git', 'a .env file in a directory that is not a git work tree: `twelve deploy` sends it with the code', { file },
        'Set its values with `twelve config:set` and keep the file out of what you deploy.'));
  }
  return codebase.tracked.filter((file) => SECRET_FILE.test(file) && !EXAMPLE_FILE.test(file)).map((file) =>
    finding('fail', 'env-in-git', 'a .env file is committed: its secrets are in the history', { file },
      `git rm --cached ${file}, add it to .gitignore, change the secrets it held, and set them with \`twelve config:set\`.`));
}

export const configCheck: Check = {
  factor: 3,
  run(codebase) {
    const found = [...inCode(codebase), ...perEnvironment(codebase), ...secretsCommitted(codebase)];
    if (found.length === 0 && codebase.sources.length > 0) {
      const reads = new Set(codebase.sources.flatMap((source) => source.envReads.map((read) => read.name)));
      found.push(finding('pass', 'config-in-env', `no hosts or credentials in the code; it reads ${reads.size} environment variable${reads.size === 1 ? '' : 's'}`));
    }
    return found;
  },
};
