/**
 * The Node.js (V8) flags `twelve serve` runs with. Not all of them are allowed in NODE_OPTIONS, and set
 * once running they have no effect, so they go on node's command line: whatever starts twelve with
 * `node` itself (the demo, the tests, a systemd unit) passes them, and a `twelve serve` started without
 * them execs node again with them (cli/serve-relaunch.ts).
 *
 * They keep the young generation (where short-lived objects are made) committed at one size. V8
 * otherwise hands its memory back when twelve idles (the memory reducer, after a few seconds; a shrink
 * when little is allocated) and grows it again under load, and every page so handed back is faulted in
 * again by the next burst of work, at 10-18 µs a fault on this kind of machine. twelve is a daemon whose
 * work comes in bursts (a chatty process, a spike of requests). Either flag alone did not stop the
 * faults; both did (the measurements are in docs/logs-performance.md). 16 MB is the largest semi-space V8 gives
 * itself by default on a 64-bit machine with a heap limit of 2 GB or more, so under load the young
 * generation is the size it would grow to anyway; the old generation is collected as usual.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--min-semi-space-size=16', '--max-semi-space-size=16'];

/** The flags this process was started without. */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
