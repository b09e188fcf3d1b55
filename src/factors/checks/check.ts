/** What a check is, and the small helpers the factor modules share. */
import type { Codebase, ProcfileEntry } from '../codebase-scan.js';
import type { CallFact, SourceFacts } from '../facts.js';
import type { Finding } from '../report.js';

export interface Check {
  factor: number;
  run(codebase: Codebase): Finding[];
}

export function finding(verdict: Finding['verdict'], check: string, message: string, where?: { file: string; line?: number }, fix?: string): Finding {
  return { verdict, check, message, ...(where ? { file: where.file, ...(where.line ? { line: where.line } : {}) } : {}), ...(fix ? { fix } : {}) };
}

/** `file:line` for messages. */
export function at(file: string, line?: number): string {
  return line ? `${file}:${line}` : file;
}

/** Every call of the codebase with its file. */
export function* calls(codebase: Codebase, language?: SourceFacts['language']): Generator<{ file: string; call: CallFact; source: SourceFacts }> {
  for (const source of codebase.sources) {
    if (language && source.language !== language) continue;
    for (const call of source.calls) yield { file: source.file, call, source };
  }
}

/** Calls whose arguments are shown to people, not used: a literal in them is not config. */
export const MESSAGE_CALLEE = /^(console\.\w+|print|assert\w*|describe|it|test|expect|alert|\w*Error|Error|warnings\.warn|res\.(send|json|end|write)|.*\.(log|info|warn|warning|error|debug|trace|fatal|critical|exception|write|send|end|json|render|includes|startsWith|endsWith|test|match|replace|split|indexOf|format))$/;

/** The line in a text where a needle first appears (1-based), for evidence in manifests. */
export function lineOf(text: string | undefined, needle: string | RegExp): number | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const index = lines.findIndex((line) => (typeof needle === 'string' ? line.includes(needle) : needle.test(line)));
  return index < 0 ? undefined : index + 1;
}

export interface WebCommand { command: string; file: string; line?: number }

/** How the web process starts: the Procfile's `web`, else package.json's `start`, with npm scripts it runs expanded. */
export function webCommands(codebase: Codebase): WebCommand[] {
  const web = codebase.procfile?.find((entry: ProcfileEntry) => entry.type === 'web');
  const scripts = packageScripts(codebase);
  const found: WebCommand[] = [];
  if (web) found.push({ command: web.command, file: 'Procfile', line: web.line });
  else if (scripts.start) found.push(scriptCommand(codebase, 'start'));
  // `npm start` and `npm run x` run package.json's scripts, and npm runs `prestart` before `start`.
  for (const entry of [...found]) {
    const named = /\bnpm (start|run(?:-script)? ([\w:-]+))|\byarn (start|[\w:-]+)/.exec(entry.command);
    const script = named ? named[2] ?? (named[1] === 'start' ? 'start' : named[3]) : undefined;
    if (script && scripts[script] && entry.file !== 'package.json') found.push(scriptCommand(codebase, script));
  }
  if (found.some((entry) => /\bnpm start\b/.test(entry.command) || entry.file === 'package.json') && scripts.prestart) found.push(scriptCommand(codebase, 'prestart'));
  return found;
}

export function packageScripts(codebase: Codebase): Record<string, string> {
  const scripts = codebase.packageJson?.scripts;
  return scripts && typeof scripts === 'object' ? scripts as Record<string, string> : {};
}

function scriptCommand(codebase: Codebase, name: string): WebCommand {
  return { command: packageScripts(codebase)[name]!, file: 'package.json', line: lineOf(codebase.read('package.json'), `"${name}"`) };
}

/** Whether the codebase has a web process at all: a Procfile web type, a start script, or a server in code. */
export function hasWeb(codebase: Codebase): boolean {
  return webCommands(codebase).length > 0 || codebase.sources.some((source) => source.calls.some((call) => /(^|\.)listen$/.test(call.callee)));
}
