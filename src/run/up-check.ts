/** How the supervisor tells that a process is up: a web accepts a connection on its PORT, others stay alive. */
import { connect } from 'node:net';

/** Poll fast at first, so a restarted web rejoins the router within milliseconds, then ease off. */
const FAST_POLL_MS = 15;
const SLOW_POLL_MS = 50;
const FAST_POLL_FOR_MS = 2000;

export interface UpCheck {
  cancel(): void;
}

/**
 * Calls `onUp` once 127.0.0.1:port accepts a TCP connection (the address the router will use), or
 * `onTimeout` when `timeoutMs` passes first. Stops polling as soon as `stillStarting` says so.
 */
export function watchPort(options: {
  port: number; timeoutMs: number; stillStarting: () => boolean; onUp: () => void; onTimeout: () => void;
}): UpCheck {
  const started = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  const attempt = (): void => {
    timer = null;
    if (cancelled || !options.stillStarting()) return;
    if (Date.now() - started >= options.timeoutMs) {
      options.onTimeout();
      return;
    }
    const socket = connect({ host: '127.0.0.1', port: options.port });
    socket.once('connect', () => {
      socket.destroy();
      if (!cancelled && options.stillStarting()) options.onUp();
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
