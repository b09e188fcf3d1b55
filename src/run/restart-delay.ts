/** How long the supervisor waits before restarting a crashed process: at once, then exponential backoff. */

/** A process that has stayed up this long has its crash counter reset: its next crash restarts at once. */
export const CRASH_COUNTER_RESET_MS = 30_000;

/** The longest a crash-looping process waits between tries. */
export const MAX_RESTART_DELAY_MS = 60_000;

/**
 * The delay before restarting a process after its `consecutiveCrashes`-th crash in a row.
 * The first crash restarts at once, so a killed web answers again within milliseconds; a process that keeps
 * crashing waits 1 s, 2 s, 4 s, ... up to a minute, so a crash loop does not eat the machine.
 *
 * @example restartDelayMs(1) // 0
 * @example restartDelayMs(3) // 2000
 */
export function restartDelayMs(consecutiveCrashes: number): number {
  if (!(consecutiveCrashes > 1)) return 0;
  // 2 ** n is Infinity for huge n, which Math.min caps like any other large number.
  return Math.min(1000 * 2 ** (Math.floor(consecutiveCrashes) - 2), MAX_RESTART_DELAY_MS);
}
