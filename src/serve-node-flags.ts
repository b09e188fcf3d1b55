/**
 * The Node.js (V8) flags `twelve serve` runs with. They can only be given on node's command line (not in
 * NODE_OPTIONS, and setting them once running has no effect). Whatever starts twelve with `node` itself
 * (the demo, the tests, a systemd unit) passes them; a `twelve serve` started without them relaunches
 * itself with them (cli/serve-relaunch.ts).
 *
 * They keep the young generation (where short-lived objects are made) committed at one size: V8 otherwise
 * hands its memory back when twelve idles (the memory reducer, after a few seconds; a shrink when little
 * is allocated) and grows it again under load, and every page so handed back is faulted in again by the
 * next burst of work, at 10-18 µs a fault on this kind of machine. twelve is a daemon whose work comes in
 * bursts (a chatty process, a spike of requests). Measured with the logs benchmark, page faults and
 * twelve's CPU per million lines (docs/logs.md):
 * - no flags: 700-2,250 faults, 200-390 ms;
 * - `--no-memory-reducer` alone: 20-80 faults in one run, 1,100-2,250 in the next two;
 * - a fixed young generation alone (16 MB or 4 MB semi-spaces): 300-2,000 faults;
 * - both: 0-73 faults after the first round, 130-190 ms, in each of three runs.
 * 16 MB is V8's own largest semi-space on 64-bit machines, so the young generation is at most the size it
 * would grow to anyway (two semi-spaces, 32 MB); the old generation is collected as usual.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--min-semi-space-size=16', '--max-semi-space-size=16'];

/** The flags this process was started without. */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
