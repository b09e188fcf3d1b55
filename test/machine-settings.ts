/**
 * This machine's package settings, as an operator declares them for builds (TWELVE_BUILD_ENV,
 * TWELVE_SANDBOX_READ_ONLY): builds see HOME=/app and none of twelve's environment, so neither the
 * user's pip.conf nor the CA file of the machine's TLS proxy reaches them otherwise.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

/** The pip mirror of the user's pip.conf, without retries: it also lists pypi.org, which this machine cannot reach. */
export function pipMirror(): Record<string, string> {
  const listed = spawnSync('python3', ['-m', 'pip', 'config', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const env: Record<string, string> = { PIP_RETRIES: '0' };
  for (const line of listed.split('\n')) {
    const match = /^global\.([a-z-]+)='(.*)'$/.exec(line.trim());
    if (match && ['index-url', 'extra-index-url', 'find-links'].includes(match[1]!)) env[`PIP_${match[1]!.replace(/-/g, '_').toUpperCase()}`] = match[2]!;
  }
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('PIP_') && value !== undefined) env[key] = value;
  return env;
}

/** The local directories the pip mirror names (file:// indexes, find-links), for the sandbox to read. */
export function pipMirrorDirs(): string[] {
  const dirs = Object.values(pipMirror()).flatMap((value) => value.split(/\s+/))
    .map((entry) => entry.replace(/^file:\/\//, ''))
    .filter((entry) => entry.startsWith('/'))
    .map((dir) => dir.replace(/\/simple\/?$/, ''))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
  return [...new Set(dirs)];
}

/** The CA file this machine's TLS needs (its proxy signs registry answers). */
export function machineCa(): Record<string, string> {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  return ca ? { NODE_EXTRA_CA_CERTS: ca } : {};
}
