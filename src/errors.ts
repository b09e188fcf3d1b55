/**
 * The error catalogue: every error twelve reports is declared here once, with the HTTP status the API
 * answers with and a hint that tells the user what to do next. docs/errors.md lists every code; a test
 * fails when one is missing there.
 */

export const ERRORS = {
  INVALID_SETTING: { status: 500, hint: 'Fix the TWELVE_* environment variable and start twelve again.' },
  DATA_DIR_IN_USE: { status: 500, hint: 'Another twelve serve runs on this data dir and keeps serving its apps: stop it first (SIGTERM), or give this one a TWELVE_DATA_DIR of its own.' },
  STORE_MISSING: { status: 500, hint: 'Restore twelve.db (with its twelve.db-wal) from a backup, then start again; to start afresh on purpose, move DATA_DIR/apps (and DATA_DIR/addons) away first.' },
  UNAUTHORIZED: { status: 401, hint: 'Set TWELVE_API_TOKEN, or run the CLI as the user whose data dir holds api-token.' },
  BAD_REQUEST: { status: 400, hint: 'Check the request against docs/api.md: its query parameters, and its body (JSON objects).' },
  NOT_FOUND: { status: 404, hint: 'Check the path; `twelve --help` lists the commands.' },
  INVALID_APP_NAME: { status: 422, hint: 'Use 1-30 lowercase letters, digits and dashes, starting with a letter.' },
  APP_EXISTS: { status: 409, hint: 'Pick another name, or deploy to the existing app.' },
  APP_USER_EXISTS: { status: 409, hint: 'Pick another name, or remove that user if nothing uses it (userdel NAME).' },
  APP_NOT_FOUND: { status: 404, hint: 'Run `twelve apps` to list apps, or `twelve apps:create NAME`.' },
  CONFIRM_MISMATCH: { status: 422, hint: 'Pass --confirm with the app\'s exact name to destroy it.' },
  INVALID_CONFIG_KEY: { status: 422, hint: 'Config keys are environment variable names: letters, digits and _, not starting with a digit.' },
  RESERVED_CONFIG_KEY: { status: 422, hint: 'twelve sets this variable itself for every process; choose another name.' },
  INVALID_PROCFILE: { status: 422, hint: 'Each Procfile line reads `type: command`, the type made of letters, digits, _ and -.' },
  INVALID_APP_JSON: { status: 422, hint: 'Fix app.json: it must be a JSON object in Heroku\'s app.json format (docs/app-json.md).' },
  UNKNOWN_STACK: { status: 422, hint: 'Add a Procfile, a package.json or a requirements.txt/pyproject.toml to the app.' },
  NO_RELEASE: { status: 409, hint: 'Deploy the app first: `twelve deploy DIR -a APP`.' },
  BUILD_NOT_FOUND: { status: 404, hint: 'Run `twelve builds -a APP` to list the builds and their ids.' },
  RELEASE_NOT_FOUND: { status: 404, hint: 'Run `twelve releases -a APP` to list the releases.' },
  UNKNOWN_PROCESS_TYPE: { status: 422, hint: 'Scale only types the current release\'s Procfile declares (see `twelve ps -a APP`).' },
  INVALID_SCALE: { status: 422, hint: 'Scale with TYPE=N, where N is a whole number from 0 to 100.' },
  BUILD_FAILED: { status: 422, hint: 'Read the build output above, fix the app and deploy again; the running release is untouched.' },
  RUNTIME_UNAVAILABLE: { status: 422, hint: 'Ask for a runtime version that exists: engines.node/engines.npm in package.json, or .python-version/runtime.txt for an interpreter this machine has (the operator can add some with TWELVE_PYTHON_PATHS).' },
  RUNTIME_INSTALL_FAILED: { status: 502, hint: 'twelve could not fetch or unpack a runtime the app asks for; this is not a fault in the app. Deploy again, and tell the operator if it persists.' },
  BOOT_FAILED: { status: 422, hint: 'Read the process output above (`twelve logs -a APP`); the previous release keeps running.' },
  DEPLOY_IN_PROGRESS: { status: 409, hint: 'Wait for the running deploy or release of this app to finish, then try again.' },
  INVALID_SOURCE: { status: 400, hint: 'Send the codebase as a gzipped tar archive of files, directories and links that stay inside it, as `twelve deploy` does (docs/security.md#deploy-archives).' },
  SOURCE_TOO_LARGE: { status: 413, hint: 'Leave build output and dependencies out of the codebase (deploy the git tree, or a directory without them), or raise TWELVE_MAX_SOURCE_MB / TWELVE_MAX_SOURCE_ENTRIES on the server.' },
  DISK_FULL: { status: 507, hint: 'The disk of TWELVE_DATA_DIR is full: free space there (`df -h`; stop the app that fills it with `twelve ps:scale TYPE=0 -a APP`, lower its log retention, or `twelve apps:destroy` one), then try again.' },
  NO_FREE_PORT: { status: 503, hint: 'Widen TWELVE_PORT_RANGE, or scale other apps down.' },
  SHUTTING_DOWN: { status: 503, hint: 'twelve is stopping; start it again with `twelve serve`.' },
  CONFIG_MISSING: { status: 422, hint: 'Set the missing keys with `twelve config:set KEY=VALUE -a APP` (app.json says what each is for); the running release is untouched.' },
  CONFIG_INVALID: { status: 422, hint: 'Set a value that fits the format app.json declares for the key (docs/app-json.md); the running release is untouched.' },
  SECRET_KEY_MISMATCH: { status: 500, hint: 'Start twelve with the TWELVE_SECRET_KEY (or DATA_DIR/secret-key) that sealed the store.' },
  SECRET_KEY_FROM_ENV: { status: 409, hint: 'The key comes from TWELVE_SECRET_KEY: pass the new one with `twelve secrets:rotate-key --new-key-stdin`, then restart twelve with it set.' },
  ADDON_EXISTS: { status: 409, hint: 'Pick another name with --name, or attach the existing addon with `twelve addons:attach NAME -a APP`.' },
  ADDON_NOT_FOUND: { status: 404, hint: 'Run `twelve addons` to list addons, or `twelve addons -a APP` for one app\'s attachments.' },
  ADDON_ATTACHMENT_EXISTS: { status: 409, hint: 'Pass --as NAME to attach it under another name (the app then sees NAME_URL).' },
  ADDON_UNAVAILABLE: { status: 503, hint: 'Install the Debian package the message names (apt-get install -y PACKAGE), then try again.' },
  ADDON_SERVER_FAILED: { status: 503, hint: 'The message and the platform log say why; the server\'s own log is under DATA_DIR/addons/KIND/.' },
  INVALID_ADDON_URL: { status: 422, hint: 'Attach a service by its full URL, e.g. postgres://user:password@host:5432/db.' },
  INVALID_DOMAIN: { status: 422, hint: 'Give a host name such as www.example.com (NAME.localhost is every app\'s own).' },
  DOMAIN_TAKEN: { status: 409, hint: 'Remove the domain from the app that has it first: `twelve domains:remove HOST -a APP`.' },
  DOMAIN_NOT_FOUND: { status: 404, hint: 'Run `twelve domains -a APP` to list the app\'s domains.' },
  RELEASE_PHASE_FAILED: { status: 422, hint: 'Read the release command\'s output above (`twelve logs -a APP --ps release`), fix it and deploy again; the previous release keeps running.' },
  BUILD_REMOVED: { status: 409, hint: 'Build retention removed this build (`twelve builds -a APP` lists the kept ones); deploy the code again, or raise the retention with `twelve builds:retention N -a APP`.' },
  RUN_NOT_FOUND: { status: 404, hint: 'Start the command again with `twelve run -a APP -- COMMAND`; an attach link works once, for 30 s.' },
  PIPELINE_EXISTS: { status: 409, hint: 'Pick another name, or add apps to the existing pipeline with `twelve pipelines:add APP --stage STAGE -p NAME`.' },
  PIPELINE_NOT_FOUND: { status: 404, hint: 'Run `twelve pipelines` to list pipelines, or `twelve pipelines:create NAME`.' },
  INVALID_PIPELINE_NAME: { status: 422, hint: 'Use 1-30 lowercase letters, digits and dashes, starting with a letter.' },
  INVALID_STAGE: { status: 422, hint: 'A stage is one of development, staging or production.' },
  APP_IN_PIPELINE: { status: 409, hint: 'An app belongs to one pipeline: remove it first with `twelve pipelines:remove -a APP`.' },
  NOT_IN_PIPELINE: { status: 409, hint: 'Add the app to a pipeline with `twelve pipelines:add APP --stage STAGE -p NAME`.' },
  NO_NEXT_STAGE: { status: 409, hint: 'Promote from an app whose next stage has apps: add one with `twelve pipelines:add APP --stage STAGE -p NAME`.' },
  INVALID_DRAIN_URL: { status: 422, hint: 'Use syslog+tcp://HOST:PORT, syslog+tls://HOST:PORT, or an http(s):// URL (docs/drains.md).' },
  DRAIN_EXISTS: { status: 409, hint: 'The app already drains there (URLs are compared as normalized: case of scheme and host, default port, trailing slash); `twelve drains -a APP` lists its drains.' },
  DRAIN_NOT_FOUND: { status: 404, hint: 'Run `twelve drains -a APP` to list the drains, and remove one by its URL as shown there, the token `drains:add` printed, or its id (`twelve drains -a APP --json`).' },
  DRAIN_AMBIGUOUS: { status: 409, hint: 'Remove the drain by the token `drains:add` printed or by its id (`twelve drains -a APP --json` shows both), or by its full URL with the password.' },
  CERT_INVALID: { status: 422, hint: 'Pass the certificate chain and its private key as PEM files (`-----BEGIN CERTIFICATE-----`, `-----BEGIN PRIVATE KEY-----`), leaf first.' },
  CERT_KEY_MISMATCH: { status: 422, hint: 'Pass the private key the certificate was issued for: the certificate\'s public key is not this key\'s.' },
  CERT_EXPIRED: { status: 422, hint: 'Renew the certificate with its issuer, or let twelve get one: `twelve certs:auto:enable -a APP`.' },
  CERT_NOT_YET_VALID: { status: 422, hint: 'Add it once its validity starts (the message says when), or check this machine\'s clock.' },
  CERT_NO_DOMAIN: { status: 422, hint: 'Add the domain the certificate is for first (`twelve domains:add HOST -a APP`), or pass the certificate for one of the app\'s domains (`twelve domains -a APP`).' },
  CERT_NOT_FOUND: { status: 404, hint: 'Run `twelve certs -a APP` to list the app\'s certificates and their ids.' },
  INVALID_RETENTION: { status: 422, hint: 'Give --size like 100MB (at least 1MB) and --age like 7d (at least 1m).' },
  EXPORT_FAILED: { status: 500, hint: 'The message says which file or tool failed; the platform log has the details. Nothing was written to the export\'s destination.' },
  INVALID_EXPORT: { status: 422, hint: 'Check the export\'s options against `twelve export --help` and docs/export.md.' },
  METRICS_OFF: { status: 409, hint: 'twelve runs with TWELVE_METRICS=off: restart it without that setting to measure its apps (docs/telemetry.md).' },
  FEATURE_NOT_FOUND: { status: 404, hint: 'Run `twelve features -a APP` to list the features twelve has.' },
  GIT_PUSH_REFUSED: { status: 422, hint: 'Push one branch (or several to the same commit): `git push twelve BRANCH:main`.' },
  GIT_UNAVAILABLE: { status: 503, hint: 'Install git (apt-get install -y git): twelve serves pushes with its http-backend.' },
  PORT_IN_USE: { status: 500, hint: 'Choose a free port with the setting the message names, or stop the program that holds it.' },
  SANDBOX_UNAVAILABLE: { status: 503, hint: 'Install what the message names (`bash .ci/run` installs bubblewrap), run twelve as root, or start twelve with TWELVE_SANDBOX=off to run apps unsandboxed (docs/security.md).' },
  INVALID_SIZE: { status: 422, hint: 'Resize with TYPE=SIZE, where SIZE is one of the sizes `twelve ps:resize --help` lists (docs/processes.md).' },
  NO_WEB_PROCESS: { status: 409, hint: 'Only a web process can be measured: add a `web:` line to the Procfile and deploy again.' },
  INTERNAL: { status: 500, hint: 'This is a bug in twelve: the platform log (stdout of `twelve serve`) has the details.' },
} as const satisfies Record<string, { status: number; hint: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error a user can act on: it carries its catalogue code, so the API and CLI know how to show it. */
export class TwelveError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string;
  /** Extra machine-readable facts (the failing Procfile line, the missing keys, ...). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'TwelveError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.hint = ERRORS[code].hint;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isTwelveError(error: unknown): error is TwelveError {
  return error instanceof TwelveError;
}

/** Node's and SQLite's codes for a write that found no room: a full disk, or a quota reached. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NO_SPACE.has(code);
}

/**
 * The error a user is shown for anything thrown: a TwelveError as it is, a full disk as DISK_FULL (what
 * to do is free space, not report a bug), anything else as INTERNAL with `fallback` as its message.
 */
export function asTwelveError(error: unknown, fallback: string): TwelveError {
  if (isTwelveError(error)) return error;
  if (isDiskFull(error)) return diskFull(error);
  return new TwelveError('INTERNAL', fallback);
}

export function diskFull(error: unknown): TwelveError {
  return new TwelveError('DISK_FULL', `the disk of twelve's data dir is full (${errorText(error)}); nothing was changed`);
}

/** An error's message, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
