/** The Procfile: Heroku's `type: command` list of the process types an app declares. */
import { isObjectBuiltinName } from '../config/rules.js';
import { TwelveError } from '../errors.js';

const LINE = /^([A-Za-z0-9_-]+):\s*(.*)$/;

/**
 * Parses a Procfile into its process types, in the order they are declared.
 *
 * @example
 * parseProcfile('web: node server.js\n# a comment\nworker: node worker.js')
 * // => { web: 'node server.js', worker: 'node worker.js' }
 */
export function parseProcfile(text: string): Record<string, string> {
  const types: Record<string, string> = {};
  const declaredOn = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) {
      throw invalid(lineNumber, `expected \`type: command\` (type made of letters, digits, _ and -), got "${clip(line)}"`);
    }
    const [, type, command] = match as unknown as [string, string, string];
    if (command.trim() === '') throw invalid(lineNumber, `process type ${type} has no command`);
    if (isObjectBuiltinName(type)) throw invalid(lineNumber, `${type} cannot be a process type: every JavaScript object has a property of that name`);
    const first = declaredOn.get(type);
    if (first !== undefined) throw invalid(lineNumber, `process type ${type} is already declared on line ${first}`);
    declaredOn.set(type, lineNumber);
    types[type] = command.trim();
  });
  if (declaredOn.size === 0) {
    throw new TwelveError('INVALID_PROCFILE', 'the Procfile declares no process types', { line: null });
  }
  return types;
}

function invalid(line: number, problem: string): TwelveError {
  return new TwelveError('INVALID_PROCFILE', `Procfile line ${line}: ${problem}`, { line });
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
