/**
 * Which JavaScript/TypeScript files need the parser. One pass of the TypeScript scanner (tokens, no tree:
 * about a tenth of a parse) looks for anything a check could read besides imports: a call named in
 * KEPT_CALLS or KEPT_AT_LOAD_CALLS (for GATED_CALLS, only with the token that makes it matter),
 * `process.env`, a string that looks like an address, a name that looks like a credential. A file without
 * any of them is given its imports, read from the same tokens, as its only facts. Wherever tokens alone
 * cannot tell what the parser would see (a `/` that may start a regular expression, JSX, an `import(...)`
 * that may be a type, a scanner error), the answer is "parse". test/factors/js-prefilter.test.ts holds
 * the facts and the reports made this way to the parser's.
 */
import type * as TS from 'typescript';
import { CREDENTIAL_KEY, KEPT_AT_LOAD_CALLS, KEPT_CALLS, KEPT_PATTERN, type SourceFacts } from './facts.js';

type Ts = typeof TS;

const ADDRESS = new RegExp(KEPT_PATTERN, 'i');
const CREDENTIAL = new RegExp(CREDENTIAL_KEY, 'i');
const KEPT_CALL = new RegExp(KEPT_CALLS);
const KEPT_AT_LOAD = new RegExp(KEPT_AT_LOAD_CALLS);
const TS_FILE = /\.[mc]?tsx?$/;
const JSX_FILE = /\.([mc]?jsx?|tsx)$/;
/**
 * Past this nesting, or this many tokens without a `;`, `{` or `}`, the parser or the walk over its tree may
 * run out of stack, which the report names: such a file goes to the parser, to fail there as before.
 */
const MAX_DEPTH = 256;
const MAX_RUN = 2000;

/**
 * Kept calls that no check reads in JavaScript unless the file also holds a certain token (checks/): a
 * download at boot needs an http(s) URL; a signal handler, SIGTERM; the others (Python's names, loggers'
 * factories, mkdir) count only through logs.ts's look for a file destination in any call's arguments.
 * A call of any other kept name sends the file to the parser.
 */
export const GATED_CALLS = {
  url: new Set(['fetch', 'get', 'request', 'download', 'urlretrieve', 'urlopen']),
  sigterm: new Set(['on', 'once', 'addListener', 'prependListener', 'onSignal']),
  destination: new Set(['run', 'call', 'check_call', 'check_output', 'Popen', 'system', 'popen', 'execv', 'execvp', 'spawnl', 'spawnlp',
    'open', 'copy', 'copyfile', 'copy2', 'makedirs', 'run_app', 'serve', 'HTTPServer', 'ThreadingHTTPServer', 'TCPServer',
    'ThreadingTCPServer', 'make_server', 'BackgroundScheduler', 'AsyncIOScheduler', 'BlockingScheduler', 'add_job', 'FileHandler',
    'RotatingFileHandler', 'TimedRotatingFileHandler', 'WatchedFileHandler', 'basicConfig', 'connect', 'signal', 'add_signal_handler',
    'configure', 'createLogger', 'transport', 'pino', 'mkdir', 'mkdirSync']),
};
/** What logs.ts takes for a file destination: pino's target, or log4js's/winston's type. */
const DESTINATIONS = ['pino/file', 'file', 'dateFile', 'fileSync'];
const URL_START = /^(https?|ftp):\/\//;

const ADDRESS_VALUE = 1;
const CREDENTIAL_NAME = 2;
const KEPT_NAME = 4;
/** What each name or string is, cached: names repeat across a codebase's files. */
const flagCache = new Map<string, number>();

function flagsOf(value: string): number {
  let flags = flagCache.get(value);
  if (flags === undefined) {
    flags = (ADDRESS.test(value) ? ADDRESS_VALUE : 0) | (CREDENTIAL.test(value) ? CREDENTIAL_NAME : 0)
      | (KEPT_CALL.test(value) || KEPT_AT_LOAD.test(value) ? KEPT_NAME : 0);
    if (flagCache.size < 100_000) flagCache.set(value, flags);
  }
  return flags;
}

/**
 * The token stream of the last file scanned, with the parser's rescans done: kinds, the values of names and
 * strings, start positions. One of each per thread, reused from file to file, like the scanner.
 */
class Tokens {
  count = 0;
  kinds = new Uint16Array(8192);
  starts = new Int32Array(8192);
  values: Array<string | undefined> = [];
  /** Where `require` and `import` are. */
  imports: number[] = [];
  failed = false;
  readonly scanner: TS.Scanner;

  constructor(readonly ts: Ts) {
    this.scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, undefined, () => { this.failed = true; });
  }

  kind(index: number): number {
    return index >= 0 && index < this.count ? this.kinds[index]! : -1;
  }

  push(kind: number, value?: string): void {
    if (this.count === this.kinds.length) {
      const kinds = new Uint16Array(this.count * 2);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const starts = new Int32Array(this.count * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.kinds[this.count] = kind;
    this.starts[this.count] = this.scanner.getTokenStart();
    this.values[this.count] = value;
    this.count++;
  }
}

let shared: Tokens | undefined;

/**
 * The facts of a file whose only facts are its imports, exactly as analyzeJs would return them; null when
 * the file may hold more (or tokens cannot tell), and must be parsed.
 */
export function importsOnlyFacts(ts: Ts, file: string, text: string): SourceFacts | null {
  if (shared?.ts !== ts) shared = new Tokens(ts);
  if (!scan(shared, file, text)) return null;
  const imports = readImports(shared, file, text);
  return imports && { file, language: 'js', imports, calls: [], literals: [], envReads: [], envCompares: [] };
}

/** Scans text into tokens; false as soon as a token shows the file needs the parser. */
function scan(tokens: Tokens, file: string, text: string): boolean {
  const { ts, scanner } = tokens;
  const K = ts.SyntaxKind;
  tokens.count = 0;
  tokens.imports.length = 0;
  tokens.failed = false;
  scanner.setText(text);
  const jsx = JSX_FILE.test(file);
  /** `{` of a block or object, or the text so far of a template whose `${` is open. */
  const braces: Array<string | null> = [];
  /** For each open `(`: whether it follows if/while/for/with, so that its `)` may be followed by a regex. */
  const parens: boolean[] = [];
  let closedStatementHead = false;
  let brackets = 0;
  let run = 0;
  /** A name in KEPT_CALLS just seen: whether it is a callee's last name depends on the next token. */
  let kept = -1;
  /** Gated calls seen, and the tokens that open their gates. */
  const gated = { url: false, sigterm: false, any: false };
  const opens = { url: false, sigterm: false, destination: false };
  /** A call of a kept name: false when it needs the parser now, else its gate is noted. */
  const noteCall = (name: string): boolean => {
    if (GATED_CALLS.url.has(name)) gated.url = true;
    else if (GATED_CALLS.sigterm.has(name)) gated.sigterm = true;
    else if (!GATED_CALLS.destination.has(name)) return false;
    gated.any = true;
    return true;
  };
  const isDot = (index: number): boolean => tokens.kind(index) === K.DotToken || tokens.kind(index) === K.QuestionDotToken;
  /** Whether the name at index ends a callee, given the token after it. */
  const endsCallee = (index: number, next: number): boolean => next === K.OpenParenToken || next === K.QuestionDotToken
    || next === K.LessThanToken || tokens.kind(index - 1) === K.NewKeyword
    || (isDot(index - 1) && next !== K.DotToken && next !== K.QuestionDotToken && next !== K.OpenBracketToken);
  /** Whether an operand (a regex, a JSX element) may start here; undefined when tokens cannot tell. */
  const operandExpected = (): boolean | undefined => {
    const prev = tokens.kind(tokens.count - 1);
    if (prev === -1) return true;
    if (prev === K.Identifier || prev === K.PrivateIdentifier || (prev >= K.FirstLiteralToken && prev <= K.LastLiteralToken)
      || prev === K.TemplateTail || prev === K.CloseBracketToken || prev === K.ThisKeyword || prev === K.SuperKeyword
      || prev === K.NullKeyword || prev === K.TrueKeyword || prev === K.FalseKeyword || (prev >= K.FirstKeyword && isDot(tokens.count - 2))) return false;
    if (prev === K.CloseParenToken) return closedStatementHead;
    if (prev === K.CloseBraceToken || prev === K.PlusPlusToken || prev === K.MinusMinusToken) return undefined;
    if (prev > K.LastReservedWord && prev <= K.LastKeyword) return undefined; // a contextual keyword may be a name
    return true;
  };
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if (tokens.failed || braces.length + parens.length + brackets > MAX_DEPTH || ++run > MAX_RUN) return false;
    if (kept >= 0 && endsCallee(kept, kind) && !noteCall(tokens.values[kept]!)) return false;
    kept = -1;
    switch (kind) {
      case K.SemicolonToken:
        run = 0;
        tokens.push(kind);
        break;
      case K.SlashToken:
      case K.SlashEqualsToken: {
        const operand = operandExpected();
        if (operand === undefined) return false;
        tokens.push(operand ? scanner.reScanSlashToken() : kind);
        break;
      }
      case K.LessThanToken:
        if (jsx && operandExpected() !== false) return false; // JSX: the parser scans its text differently
        tokens.push(kind);
        break;
      case K.OpenParenToken: {
        const prev = tokens.kind(tokens.count - 1);
        parens.push(prev === K.IfKeyword || prev === K.WhileKeyword || prev === K.ForKeyword || prev === K.WithKeyword
          || (prev === K.AwaitKeyword && tokens.kind(tokens.count - 2) === K.ForKeyword));
        tokens.push(kind);
        break;
      }
      case K.CloseParenToken:
        closedStatementHead = parens.pop() ?? false;
        tokens.push(kind);
        break;
      case K.OpenBracketToken:
      case K.CloseBracketToken:
        brackets += kind === K.OpenBracketToken ? 1 : -1;
        tokens.push(kind);
        break;
      case K.OpenBraceToken:
        run = 0;
        braces.push(null);
        tokens.push(kind);
        break;
      case K.TemplateHead:
        braces.push(scanner.getTokenValue());
        tokens.push(kind);
        break;
      case K.CloseBraceToken: {
        run = 0;
        if (braces.length === 0) return false;
        const template = braces.pop();
        if (template === null || template === undefined) {
          tokens.push(kind);
          break;
        }
        kind = scanner.reScanTemplateToken(false);
        const value = `${template}\${}${scanner.getTokenValue()}`;
        if (kind === K.TemplateMiddle) braces.push(value);
        else if (ADDRESS.test(value)) return false;
        tokens.push(kind);
        break;
      }
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral: {
        const value = scanner.getTokenValue();
        if (flagsOf(value) & (ADDRESS_VALUE | CREDENTIAL_NAME)) return false;
        if (URL_START.test(value)) opens.url = true;
        if (value === 'SIGTERM') opens.sigterm = true;
        // `'da' + 'teFile'` is folded into 'dateFile' by the analyzer.
        if (DESTINATIONS.some((destination) => destination.includes(value)) && (DESTINATIONS.includes(value)
          || tokens.kind(tokens.count - 1) === K.PlusToken || scanner.lookAhead(() => scanner.scan() === K.PlusToken))) opens.destination = true;
        tokens.push(kind, value);
        break;
      }
      default: {
        if (kind < K.Identifier) {
          tokens.push(kind);
          break;
        }
        const value = scanner.getTokenValue();
        const flags = flagsOf(value);
        if (flags & CREDENTIAL_NAME) return false;
        if (value === 'env' && isDot(tokens.count - 1) && tokens.values[tokens.count - 2] === 'process' && tokens.kind(tokens.count - 2) >= K.Identifier) return false;
        if (flags & KEPT_NAME) kept = tokens.count;
        if (value === 'SIGTERM') opens.sigterm = true;
        if ((kind === K.RequireKeyword || kind === K.ImportKeyword) && !isDot(tokens.count - 1)) tokens.imports.push(tokens.count);
        tokens.push(kind, value);
      }
    }
  }
  if (tokens.failed || (kept >= 0 && endsCallee(kept, -1) && !noteCall(tokens.values[kept]!))) return false;
  return !((gated.url && opens.url) || (gated.sigterm && opens.sigterm) || (gated.any && opens.destination));
}

/** The imports analyzeJs would find, in its order; null when one of them needs the parser. */
function readImports(tokens: Tokens, file: string, text: string): SourceFacts['imports'] | null {
  const K = tokens.ts.SyntaxKind;
  const { values, starts } = tokens;
  const kind = (index: number): number => tokens.kind(index);
  const imports: SourceFacts['imports'] = [];
  const lineOf = lineCounter(text);
  const isString = (index: number): boolean => kind(index) === K.StringLiteral || kind(index) === K.NoSubstitutionTemplateLiteral;
  /** `require('x')` or `import('x')` at index: the string is the whole first argument. */
  const callOfString = (index: number): boolean => kind(index + 1) === K.OpenParenToken && isString(index + 2)
    && (kind(index + 3) === K.CommaToken || kind(index + 3) === K.CloseParenToken);
  let skippedRequire = -1;
  for (const i of tokens.imports) {
    const prev = kind(i - 1);
    const next = kind(i + 1);
    if (kind(i) === K.RequireKeyword) {
      if (i === skippedRequire) continue;
      if (next === K.QuestionDotToken || next === K.LessThanToken || (prev === K.NewKeyword && next === K.OpenParenToken)) return null;
      if (callOfString(i)) imports.push({ line: lineOf(starts[i]!), module: values[i + 2]! });
    } else if (next === K.OpenParenToken) {
      // In TypeScript `import('x')` is also a type (`let a: import('x').T`), which holds no import.
      if (TS_FILE.test(file) && prev !== K.AwaitKeyword && prev !== K.ReturnKeyword && prev !== K.EqualsGreaterThanToken && prev !== K.OpenParenToken) return null;
      if (callOfString(i)) imports.push({ line: lineOf(starts[i]!), module: values[i + 2]! });
    } else if (isString(i + 1)) {
      if (next !== K.StringLiteral) return null;
      imports.push({ line: lineOf(starts[i]!), module: values[i + 1]! });
    } else if (next >= K.Identifier || next === K.OpenBraceToken || next === K.AsteriskToken) {
      const clause = importClause(tokens, i + 1);
      if (clause === null) return null;
      if (clause.equals) skippedRequire = clause.end + 1; // `import x = require('x')` holds no import fact
      else if (!clause.typeOnly) imports.push({ line: lineOf(starts[i]!), module: values[clause.end + 1]! });
    }
  }
  return imports;
}

/**
 * The clause of `import CLAUSE from 'x'` starting at index: where its `from` (or the `=` of
 * `import x = require('x')`) is, and whether it imports types only; null for anything else.
 */
function importClause(tokens: Tokens, start: number): { end: number; typeOnly: boolean; equals: boolean } | null {
  const K = tokens.ts.SyntaxKind;
  const kinds = (index: number): number => tokens.kind(index);
  const typeOnly = kinds(start) === K.TypeKeyword
    && !((kinds(start + 1) === K.FromKeyword && kinds(start + 2) === K.StringLiteral) || kinds(start + 1) === K.CommaToken);
  for (let j = start; j < tokens.count; j++) {
    const kind = kinds(j);
    if (kind === K.FromKeyword && kinds(j + 1) === K.StringLiteral) return { end: j, typeOnly, equals: false };
    if (kind === K.EqualsToken && j > start && kinds(j - 1) >= K.Identifier) {
      return kinds(j + 1) === K.RequireKeyword ? { end: j, typeOnly, equals: true } : null;
    }
    if (!(kind >= K.Identifier || kind === K.CommaToken || kind === K.OpenBraceToken || kind === K.CloseBraceToken
      || kind === K.AsteriskToken || kind === K.StringLiteral)) return null;
  }
  return null;
}

/** The 1-based line of a position, asked in increasing order; line breaks as the parser counts them. */
function lineCounter(text: string): (position: number) => number {
  let line = 1;
  let at = 0;
  return (position) => {
    for (; at < position; at++) {
      const code = text.charCodeAt(at);
      if (code === 10 || code === 0x2028 || code === 0x2029 || (code === 13 && text.charCodeAt(at + 1) !== 10)) line++;
    }
    return line;
  };
}
