/**
 * The Node.js (V8) flags `twelve serve` runs with. Not all of them are allowed in NODE_OPTIONS, and set
 * once running they have no effect, so they go on node's command line: whatever starts twelve with
 * `node` itself (the demo, the tests, a systemd unit) passes them, and a `twelve serve` started without
 * them execs node again with them (cli/serve-relaunch.ts).
 *
 * They keep the young generation committed at one size (16 MB, the largest V8 gives itself by default
 * on a 64-bit machine), so that memory handed back while twelve idles is not faulted in again by the
 * next burst of work; only both flags together did that (docs/architecture.md, and the measurements in
 * docs/logs-performance.md).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--min-semi-space-size=16', '--max-semi-space-size=16'];

/** The flags this process was started without. */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
