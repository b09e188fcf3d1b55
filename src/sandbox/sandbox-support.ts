/**
 * Whether this machine can sandbox apps, found once at start: the tools (bubblewrap, util-linux's
 * unshare and setpriv), root to make app users and mounts, and overlayfs for a private /app per process.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface SandboxSupport {
  /** Null when the sandbox can be had; otherwise why not, and how to fix it. */
  missing: string | null;
  /** Whether the kernel has overlayfs; without it each process gets a copy of its build. */
  overlay: boolean;
}

const TOOLS: Array<[path: string, fix: string]> = [
  ['/usr/bin/bwrap', 'apt-get install bubblewrap'],
  ['/usr/bin/unshare', 'apt-get install util-linux'],
  ['/usr/bin/setpriv', 'apt-get install util-linux'],
  ['/usr/sbin/useradd', 'apt-get install passwd'],
];

export function detectSandboxSupport(options: { uid?: number; exists?: (path: string) => boolean; filesystems?: string } = {}): SandboxSupport {
  const exists = options.exists ?? existsSync;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const overlay = /\toverlay\n/.test(options.filesystems ?? readFilesystems());
  const absent = TOOLS.filter(([path]) => !exists(path));
  if (absent.length > 0) {
    const fixes = [...new Set(absent.map(([, fix]) => fix))].join(' and ');
    return { missing: `${absent.map(([path]) => path).join(', ')} not found: ${fixes}`, overlay };
  }
  if (uid !== 0) {
    return { missing: 'twelve is not running as root, which it needs to make app users and mount their filesystems (docs/security.md: a non-root install)', overlay };
  }
  return { missing: null, overlay };
}

function readFilesystems(): string {
  try {
    return readFileSync('/proc/filesystems', 'utf8');
  } catch {
    return ''; // no /proc: no overlay either, and the copy per process is used
  }
}
