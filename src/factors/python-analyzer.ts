/**
 * Facts from Python files, through Python's own `ast` module: python-facts.py (shipped beside this
 * file's source) runs once for all the files of a codebase and answers JSON on stdout.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CREDENTIAL_KEY, ENVIRONMENT_NAMES, KEPT_AT_LOAD_CALLS, KEPT_CALLS, KEPT_PATTERN, type SourceFacts } from './facts.js';

/** dist/src/factors/ -> src/factors/python-facts.py in the package. */
const SCRIPT = fileURLToPath(new URL('../../../src/factors/python-facts.py', import.meta.url));

export interface PythonAnalysis {
  facts: SourceFacts[];
  /** Why the Python files were not read (no python3 on PATH), when they were not. */
  unavailable?: string;
}

export async function analyzePython(root: string, files: string[], python = 'python3'): Promise<PythonAnalysis> {
  if (files.length === 0) return { facts: [] };
  const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  // An early exit closes stdin under our write; the exit code below says what happened.
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify({ root, files, address: KEPT_PATTERN, credential: CREDENTIAL_KEY, calls: KEPT_CALLS, atLoadCalls: KEPT_AT_LOAD_CALLS, environments: ENVIRONMENT_NAMES }));
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  if (outcome.error) return { facts: [], unavailable: `${python} could not be started (${outcome.error.message})` };
  if (outcome.code !== 0) return { facts: [], unavailable: `${python} ${SCRIPT} failed: ${Buffer.concat(err).toString().trim().split('\n').pop()}` };
  return { facts: JSON.parse(Buffer.concat(out).toString()) as PythonAnalysis['facts'] };
}
