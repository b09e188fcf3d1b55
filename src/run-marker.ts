/**
 * Whether the previous run of twelve on this data dir ended without a clean stop (killed with -9, an OOM
 * kill, a crash, the machine losing power): a file written at start and removed as the last step of a
 * clean stop. After such an end the apps' logs miss what their processes wrote while twelve was down
 * and up to the store's flush interval before (200 ms); each app's stream says so, rather than jumping
 * from the last stored line to the restart as if nothing was lost.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** Marks this run as running; returns whether the previous one ended without a clean stop. */
export function markRunning(markerPath: string): boolean {
  const unclean = existsSync(markerPath);
  writeFileSync(markerPath, `${process.pid}\n`);
  return unclean;
}

/** This run stopped cleanly: everything it had was written. */
export function markStopped(markerPath: string): void {
  rmSync(markerPath, { force: true });
}

/** What each app's stream says after an unclean end of the previous run. */
export const UNCLEAN_STOP_EVENT = 'twelve was not shut down cleanly (killed or crashed): lines written while it was down, and in up to 200 ms before it went, are not in this log';
