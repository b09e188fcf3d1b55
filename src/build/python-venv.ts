/**
 * A virtualenv that works wherever it is mounted: pip writes each script's shebang as the venv's
 * absolute path, which breaks once a cached venv is restored into another build or the build is seen
 * at /app. The scripts are given the shell preamble virtualenv and uv use for relocatable venvs.
 */
import { lstat, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs the script with the python beside it, found from the script's own location at run time. */
const PREAMBLE = "#!/bin/sh\n'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")\"/python \"$0\" \"$@\"\n' '''\n";

/** Rewrites every script in `venv/bin` whose shebang names this venv's python, the venv being at `seenAt` for pip (/app/.venv in the sandbox). */
export async function makeRelocatable(venv: string, seenAt: string): Promise<void> {
  const bin = join(venv, 'bin');
  const shebang = `#!${seenAt}/bin/python`;
  for (const name of await readdir(bin)) {
    const file = join(bin, name);
    const stats = await lstat(file);
    if (!stats.isFile() || !(await startsWith(file, shebang))) continue;
    const text = await readFile(file, 'utf8');
    await writeFile(file, PREAMBLE + text.slice(text.indexOf('\n') + 1), { mode: stats.mode });
  }
}

async function startsWith(file: string, prefix: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(buffer, 0, prefix.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8') === prefix;
  } finally {
    await handle.close();
  }
}
