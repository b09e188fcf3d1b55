/** The BOOT_FAILED errors of a process that did not come up, in words a user can act on. */
import { TwelveError } from '../errors.js';
import { exitStatus, type ExitInfo } from './process-run.js';

export interface BootFacts {
  name: string;
  /** The PORT of a web process; null for other types, whose sign of life is staying alive. */
  port: number | null;
  lastExit: ExitInfo | null;
  /** Why the process could not even be started (no free port, missing working directory). */
  startError: string | null;
  /** How long a non-web process must stay alive to count as up. */
  settleMs: number;
  lastLines: readonly string[];
  /** Why the last health check failed, when that is what stopped the process. */
  unhealthy?: string | null;
}

/** e.g. `web.1 exited with status 1 before it accepted connections on PORT 20001` */
export function exitedAtBoot(facts: BootFacts): TwelveError {
  if (facts.unhealthy) return bootFailure(facts, `${facts.name} failed its health check: ${facts.unhealthy}`);
  if (facts.startError !== null || facts.lastExit === null) {
    return bootFailure(facts, `${facts.name} could not be started: ${facts.startError ?? 'unknown error'}`);
  }
  const before = facts.port !== null ? `accepted connections on PORT ${facts.port}` : `had run for ${seconds(facts.settleMs)}`;
  return bootFailure(facts, `${facts.name} exited with status ${exitStatus(facts.lastExit)} before it ${before}`);
}

/** e.g. `web.1 did not accept connections on PORT 20001 within 60 s` */
export function bootTimedOut(facts: BootFacts, timeoutMs: number): TwelveError {
  const what = facts.port !== null ? `accept connections on PORT ${facts.port}` : 'come up';
  return bootFailure(facts, `${facts.name} did not ${what} within ${seconds(timeoutMs)}`);
}

export function stoppedAtBoot(facts: BootFacts): TwelveError {
  return bootFailure(facts, `${facts.name} was stopped before it came up`);
}

function bootFailure(facts: BootFacts, message: string): TwelveError {
  return new TwelveError('BOOT_FAILED', message, { process: facts.name, lastLines: [...facts.lastLines] });
}

/** 60000 -> `60 s`, 300 -> `0.3 s` */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
