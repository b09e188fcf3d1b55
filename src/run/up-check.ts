/** How the supervisor tells that a process is up: a web accepts a connection on its PORT, others stay alive. */
import { request } from 'node:http';
import { connect } from 'node:net';
import { groupListensOn } from './port-owner.js';
import type { Healthcheck } from './process-spec.js';

/** Poll fast at first, so a restarted web rejoins the router within milliseconds, then ease off. */
const FAST_POLL_MS = 15;
const SLOW_POLL_MS = 50;
const FAST_POLL_FOR_MS = 2000;

export interface UpCheck {
  cancel(): void;
}

/**
 * Calls `onUp` once 127.0.0.1:port accepts a TCP connection (the address the router will use) and, when
 * the app declares a health check, its path answers 2xx or 3xx; `onTimeout` when `timeoutMs` passes
 * before the port accepts; `onUnhealthy` when every health probe failed. Stops as soon as
 * `stillStarting` says so.
 */
/** How often a web process that does not accept connections yet is said to be waited for. */
export const WAITING_NOTE_MS = 10_000;
/** The start of that line, which a deploy shows as it waits (release/go-live.ts). */
export const WAITING_TEXT = 'Waiting for the process to accept connections on PORT';

export function watchPort(options: {
  port: number; timeoutMs: number; stillStarting: () => boolean; onUp: () => void; onTimeout: () => void;
  healthcheck?: Healthcheck; onUnhealthy?: (reason: string) => void;
  /** The process group that must own the listening socket (the process's pid: it leads its own group). */
  ownerPgid?: number; onForeignListener?: () => void;
  /** Told every WAITING_NOTE_MS while nothing accepts yet, so a slow boot is not silence. */
  onWaiting?: (elapsedMs: number) => void;
}): UpCheck {
  const started = Date.now();
  let nextNote = started + WAITING_NOTE_MS;
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  let warnedForeign = false;
  const attempt = (): void => {
    timer = null;
    if (cancelled || !options.stillStarting()) return;
    if (Date.now() - started >= options.timeoutMs) {
      options.onTimeout();
      return;
    }
    if (Date.now() >= nextNote) {
      nextNote += WAITING_NOTE_MS;
      options.onWaiting?.(Date.now() - started);
    }
    const socket = connect({ host: '127.0.0.1', port: options.port });
    socket.once('connect', () => {
      socket.destroy();
      if (cancelled || !options.stillStarting()) return;
      if (options.ownerPgid !== undefined && groupListensOn(options.ownerPgid, options.port) === false) {
        // Something else accepts on this PORT: not our process, so not up. Keep looking until ours
        // binds it (it cannot while the other holds it, and then the boot timeout decides).
        if (!warnedForeign) options.onForeignListener?.();
        warnedForeign = true;
        timer = setTimeout(attempt, SLOW_POLL_MS);
        return;
      }
      if (!options.healthcheck) {
        options.onUp();
        return;
      }
      probeHealth(options.port, options.healthcheck, () => !cancelled && options.stillStarting(), (timer_) => { timer = timer_; })
        .then((failure) => {
          if (cancelled || !options.stillStarting()) return;
          if (failure === null) options.onUp();
          else options.onUnhealthy?.(failure);
        }, () => undefined);
    });
    socket.once('error', () => {
      socket.destroy();
      if (cancelled) return;
      timer = setTimeout(attempt, Date.now() - started < FAST_POLL_FOR_MS ? FAST_POLL_MS : SLOW_POLL_MS);
    });
  };
  attempt();
  return {
    cancel: () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** Calls `onUp` when a non-web process has stayed alive for `settleMs`. */
export function watchSettle(options: { settleMs: number; stillStarting: () => boolean; onUp: () => void }): UpCheck {
  const timer = setTimeout(() => {
    if (options.stillStarting()) options.onUp();
  }, options.settleMs);
  return { cancel: () => clearTimeout(timer) };
}

/** One GET of the health path: null when it answered 2xx/3xx, else why not. */
function probeOnce(port: number, check: Healthcheck): Promise<string | null> {
  return new Promise((done) => {
    const req = request({
      host: '127.0.0.1', port, path: check.path, agent: false,
      headers: { host: 'localhost', 'user-agent': 'twelve-healthcheck', connection: 'close' },
    }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done(status >= 200 && status < 400 ? null : `GET ${check.path} answered ${status}`);
    });
    req.setTimeout(check.timeoutMs, () => req.destroy(new Error(`no answer within ${check.timeoutMs} ms`)));
    req.on('error', (error) => done(`GET ${check.path} failed: ${error.message}`));
    req.end();
  });
}

/** Probes up to `attempts` times, `intervalMs` apart; resolves null on the first pass, else the last failure. */
async function probeHealth(port: number, check: Healthcheck, stillWanted: () => boolean, setTimer: (timer: NodeJS.Timeout) => void): Promise<string | null> {
  let failure = 'not probed';
  for (let attempt = 1; attempt <= check.attempts && stillWanted(); attempt += 1) {
    const result = await probeOnce(port, check);
    if (result === null) return null;
    failure = `${result} (probe ${attempt} of ${check.attempts})`;
    if (attempt < check.attempts) await new Promise<void>((resume) => setTimer(setTimeout(resume, check.intervalMs)));
  }
  return failure;
}
