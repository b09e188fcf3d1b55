/**
 * .env files as dotenv and foreman read them, and config printed back in that syntax. Pure.
 * Unquoted values are trimmed and end at `#`; single quotes keep everything literally; double quotes
 * and backticks may span lines; inside double quotes \n and \r become line breaks and any other
 * backslash escape stands for the character itself (so \" is a quote), as foreman's dotenv does.
 */

export interface DotenvProblem { line: number; text: string }

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;

function unescapeDouble(body: string): string {
  return body.replace(/\\(.)/gs, (_, char: string) => (char === 'n' ? '\n' : char === 'r' ? '\r' : char));
}

/** The closing quote's index: the first unescaped `quote` from `from` (backslash escapes only for "). */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\' && quote === '"') i += 1;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * @example parseDotenv('export A="x\\ny" # c\nB = two words\n') // { A: 'x\ny', B: 'two words' }
 * Lines that are not assignments are collected in `problems`, not skipped silently.
 */
export function parseDotenv(text: string): { vars: Record<string, string>; problems: DotenvProblem[] } {
  const src = text.replace(/\r\n?/g, '\n');
  const vars: Record<string, string> = {};
  const problems: DotenvProblem[] = [];
  let pos = 0;
  let lineNo = 1;
  while (pos < src.length) {
    const end = src.indexOf('\n', pos) === -1 ? src.length : src.indexOf('\n', pos);
    const line = src.slice(pos, end);
    const startLine = lineNo;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = end + 1; lineNo += 1; continue;
    }
    const body = trimmed.replace(/^export\s+/, '');
    const key = KEY.exec(body)?.[0];
    const sep = key ? /^\s*(=|:\s)\s*/.exec(body.slice(key.length)) : null;
    if (!key || !sep) {
      problems.push({ line: startLine, text: trimmed });
      pos = end + 1; lineNo += 1; continue;
    }
    // Where the value starts in the whole text, so a quoted value may run on past this line.
    const valueStart = pos + line.indexOf(body) + key.length + sep[0].length;
    const quote = src[valueStart];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = closingQuote(src, valueStart + 1, quote);
      if (close !== -1) {
        const inner = src.slice(valueStart + 1, close);
        vars[key] = quote === '"' ? unescapeDouble(inner) : inner;
        lineNo += (src.slice(pos, close).match(/\n/g) ?? []).length;
        const next = src.indexOf('\n', close);
        pos = next === -1 ? src.length : next + 1;
        lineNo += 1;
        continue;
      }
    }
    const raw = src.slice(valueStart, end);
    const hash = raw.indexOf('#');
    vars[key] = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    pos = end + 1; lineNo += 1;
  }
  return { vars, problems };
}

/** One value as parseDotenv reads it back, and as a POSIX shell reads it when it has no line break. */
export function quoteDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(value)) return value;
  if (!value.includes("'") && !/[\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"$`]/g, (char) => `\\${char}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** `config --shell`: KEY=value lines, sorted by key. */
export function formatDotenv(vars: Record<string, string>): string {
  return Object.keys(vars).sort().map((key) => `${key}=${quoteDotenvValue(vars[key]!)}`).join('\n');
}
