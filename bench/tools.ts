/** The outside tools some benchmarks use (wrk, nginx, hyperfine): found on PATH, or how to install them. */
import { spawnSync } from 'node:child_process';

/** Debian packages the full bench needs; everything else is Node.js and npm. */
export const DEBIAN_PACKAGES = 'nginx-light wrk hyperfine';

export function which(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  // nginx lives in /usr/sbin, which a non-root PATH may lack.
  const sbin = `/usr/sbin/${command}`;
  return spawnSync('test', ['-x', sbin]).status === 0 ? sbin : null;
}

export function installHint(pkg: string): string {
  return `${pkg} is not installed; install it with: sudo apt-get install -y ${pkg}  (all bench tools: ${DEBIAN_PACKAGES})`;
}
