/** What to run for one process (`web.1` of a release) and the pure rules for how it is launched. */
import type { Healthcheck } from '../build/healthcheck.js';
import { type SandboxSpec, sandboxArgv } from '../sandbox/sandbox-argv.js';

export type { Healthcheck };

export interface ProcessSpec {
  app: string;
  appId: number;
  releaseVersion: number;
  /** The Procfile process type, e.g. `web` or `worker`. */
  type: string;
  /** 1-based index among the processes of the type; the name is `${type}.${number}`. */
  number: number;
  /** A Procfile command line, run as `/bin/sh -c COMMAND` (Heroku runs `bash -c COMMAND`). */
  command: string;
  cwd: string;
  /** The release's config plus PATH etc., made by the caller; the supervisor adds PORT (web only) and DYNO. */
  env: Record<string, string>;
  /** For a web process: an HTTP check that must pass after the port accepts, before it counts as up. */
  healthcheck?: Healthcheck;
  /** Whether the build has a `.profile` or `.profile.d/` to source before the command, as Heroku does. */
  profile?: boolean;
  /** The process's sandbox; absent with the sandbox off. */
  sandbox?: SandboxSpec;
  /** The size's limits, applied through cgroups where the machine has them. */
  limits?: { memoryMb: number; maxTasks: number };
}

export type ProcessState = 'starting' | 'up' | 'crashed' | 'stopping' | 'stopped';

/** A supervised process as callers see it: a live, read-only view the supervisor keeps up to date. */
export interface SupervisedProcess {
  readonly id: string;
  readonly spec: ProcessSpec;
  /** `web.1` */
  readonly name: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  /** The PORT of a web process, kept across its restarts; null for other types. */
  readonly port: number | null;
  /** ISO time of the last state change. */
  readonly since: string;
  /** How many times the supervisor restarted it after a crash. */
  readonly restarts: number;
  readonly lastExit: { code: number | null; signal: string | null } | null;
}

/** @example processName({ type: 'web', number: 1 }) // 'web.1' */
export function processName(spec: Pick<ProcessSpec, 'type' | 'number'>): string {
  return `${spec.type}.${spec.number}`;
}

/** Only web processes get a PORT and take traffic from the router, as on Heroku. */
export function isWeb(spec: Pick<ProcessSpec, 'type'>): boolean {
  return spec.type === 'web';
}

/** The environment a process starts with: the caller's env, DYNO, and PORT for a web process. */
export function spawnEnv(spec: ProcessSpec, port: number | null): Record<string, string> {
  const env: Record<string, string> = { ...spec.env, DYNO: processName(spec) };
  if (isWeb(spec) && port !== null) env.PORT = String(port);
  return env;
}

/** The program and arguments that run the Procfile command (in its sandbox, when it has one). */
export function processArgv(spec: Pick<ProcessSpec, 'command' | 'profile' | 'sandbox'>): { file: string; args: string[] } {
  return shellArgv(execIfSimple(spec.command), spec);
}

/** `/bin/sh -c SCRIPT`, after the app's profile scripts and inside the sandbox, when it has them. */
export function shellArgv(script: string, options: Pick<ProcessSpec, 'profile' | 'sandbox'>): { file: string; args: string[] } {
  const whole = options.profile ? `${PROFILE_SCRIPT}\n${script}` : script;
  return options.sandbox ? sandboxArgv(options.sandbox, '/bin/sh', ['-c', whole]) : { file: '/bin/sh', args: ['-c', whole] };
}

/** Where a process starts: /app in its sandbox (bwrap changes to it), the build's app directory without. */
export function processCwd(spec: Pick<ProcessSpec, 'cwd' | 'sandbox'>): string {
  return spec.sandbox ? '/' : spec.cwd;
}

/**
 * Heroku's order: every `.profile.d/*.sh` (buildpacks' and the app's), then the app's `.profile`, sourced
 * in the process's own shell before its command. A failing script is said in the app's log and skipped.
 */
export const PROFILE_SCRIPT = [
  'for twelve_profile in .profile.d/*.sh .profile; do',
  '  [ -f "$twelve_profile" ] || continue',
  '  . "./$twelve_profile" || echo "twelve: $twelve_profile exited with status $? while being sourced; starting the command anyway" >&2',
  'done',
  'unset twelve_profile',
].join('\n');

/** Shell syntax after which `exec` would change the meaning: lists, pipes, groups, substitutions, keywords. */
const COMPOUND = /[;|()`\n{}]|(?<![<>])&|^\s*(\w+=|if\b|for\b|while\b|until\b|case\b|!|exec\b)/;

/**
 * Debian's sh forks for a lone command instead of replacing itself, leaving a shell between twelve and
 * the app. For a simple command, `exec` makes the app the process twelve started (one process less per
 * dyno, and signals reach it directly); anything compound is left to the shell as written.
 * @example execIfSimple('node server.js --port $PORT') // 'exec node server.js --port $PORT'
 */
export function execIfSimple(command: string): string {
  return COMPOUND.test(command) ? command : `exec ${command}`;
}
