/**
 * What the analyzers extract from one source file, the same shape for JavaScript/TypeScript and Python:
 * calls with their arguments summarised, the literals that look like addresses or credentials with what
 * they are passed to or assigned to, environment reads and comparisons, imports. Checks read only these
 * facts, never the text, so a comment or a log message cannot raise a finding.
 */

/** An argument or initializer, summarised. `env` is a read of an environment variable. */
export type Value =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'env'; name: string }
  | { kind: 'object'; props: Record<string, Value> }
  | { kind: 'array'; items: Value[] }
  /** Any other expression: its dotted name when it is one (`signal.SIGTERM`), and the env vars it reads. */
  | { kind: 'other'; text?: string; env?: string[] };

export interface CallFact {
  line: number;
  /** The dotted callee (`winston.transports.File`, `app.listen`, `express().listen` as `express().listen`). */
  callee: string;
  args: Value[];
  /** Python's keyword arguments. */
  kwargs?: Record<string, Value>;
  /** Set on a call of KEPT_AT_LOAD_CALLS made outside any function: it runs when the module loads. */
  atLoad?: true;
}

/** A string literal that looks like an address or sits where a credential would. */
export interface LiteralFact {
  line: number;
  value: string;
  /** The call it is an argument of (directly or inside an object or array passed to it). */
  callee?: string;
  /** The variable, property or keyword it is the value of. */
  key?: string;
}

export interface SourceFacts {
  file: string;
  language: 'js' | 'py';
  imports: Array<{ line: number; module: string }>;
  calls: CallFact[];
  literals: LiteralFact[];
  envReads: Array<{ line: number; name: string }>;
  /** `process.env.NODE_ENV === 'staging'`, `os.getenv('APP_ENV') == 'qa'`, a `case` of a switch on one. */
  envCompares: Array<{ line: number; name: string; value: string }>;
  /** Why the file could not be read (its facts are then empty). */
  error?: string;
}

/** The literals worth keeping: URLs with a scheme, localhost, IP addresses, host:port. */
export const ADDRESS_PATTERN = String.raw`^[a-z][a-z0-9+.-]*://\S+$|^(localhost|\d{1,3}(\.\d{1,3}){3})(:\d+)?(/\S*)?$|^[a-z0-9.-]+\.[a-z]{2,}:\d{2,5}(/\S*)?$|^[a-z0-9-]+:\d{2,5}$`;
/** Literals kept besides addresses: database engine names (`django.db.backends.sqlite3`, `sqlite:memory`). */
export const KEPT_PATTERN = String.raw`${ADDRESS_PATTERN}|sqlite|postgres|mysql`;
/**
 * The calls kept, by the last name of their callee: those some check reads. Summarising the arguments of
 * every call of a large codebase was most of the analyzers' time. A check that reads another call must
 * add its name here, and one that reads a JavaScript call named in js-prefilter.ts's GATED_CALLS must
 * move the name out of there (or widen its gate).
 */
export const KEPT_CALLS = String.raw`^(listen|on|once|addListener|prependListener|onSignal|signal|add_signal_handler|exec|execSync|spawn|spawnSync|execFile|execFileSync|execa|execaSync|execaCommand|\$|run|call|check_call|check_output|Popen|system|popen|execv|execvp|spawnl|spawnlp|writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|mkdir|mkdirSync|outputFile|outputFileSync|copyFile|copyFileSync|rename|renameSync|open|copy|copyfile|copy2|makedirs|multer|diskStorage|session|expressSession|cookieSession|MemoryStore|run_app|serve|HTTPServer|ThreadingHTTPServer|TCPServer|ThreadingTCPServer|make_server|setInterval|schedule|scheduleJob|CronJob|every|BackgroundScheduler|AsyncIOScheduler|BlockingScheduler|add_job|File|DailyRotateFile|destination|FileHandler|RotatingFileHandler|TimedRotatingFileHandler|WatchedFileHandler|basicConfig|connect|pino|configure|createLogger|transport)$`;

/** Variables that name the environment a deploy is: comparing them with a name branches per environment. */
export const ENVIRONMENT_NAMES = String.raw`^(NODE_ENV|APP_ENV|ENV|ENVIRONMENT|STAGE|DEPLOY_ENV|RAILS_ENV|FLASK_ENV|DJANGO_ENV|PYTHON_ENV)$`;

/** Calls kept only when they run as a module loads (outside any function): downloads at boot. */
export const KEPT_AT_LOAD_CALLS = String.raw`^(fetch|get|request|download|urlretrieve|urlopen)$`;

/** Names under which a literal is a credential. */
export const CREDENTIAL_KEY = String.raw`(^|_|\b|[a-z])(pass(word)?|passwd|pwd|secret|token|api_?key|apikey|private_?key|access_?key|auth_?key)$`;

export function isAddress(value: string): boolean {
  return new RegExp(ADDRESS_PATTERN, 'i').test(value);
}

export function isCredentialKey(key: string): boolean {
  return new RegExp(CREDENTIAL_KEY, 'i').test(key);
}

/** Whether a value is or reads the environment variable `name` (`process.env.PORT || 3000` reads PORT). */
export function readsEnv(value: Value | undefined, name?: string): boolean {
  if (!value) return false;
  if (value.kind === 'env') return name === undefined || value.name === name;
  if (value.kind === 'other') return (value.env ?? []).some((read) => name === undefined || read === name);
  return false;
}

/** The last segment of a dotted callee: `fs.promises.writeFile` -> `writeFile`. */
export function calleeTail(callee: string): string {
  return callee.slice(callee.lastIndexOf('.') + 1);
}

export function firstString(call: CallFact): string | undefined {
  const first = call.args[0];
  return first?.kind === 'string' ? first.value : undefined;
}

export function importsAny(facts: SourceFacts, modules: string[]): boolean {
  return facts.imports.some((entry) => modules.includes(entry.module.replace(/^node:/, '')));
}
