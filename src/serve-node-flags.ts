/**
 * The Node.js (V8) flags `twelve serve` runs with. They can only be given on node's command line (not in
 * NODE_OPTIONS, and setting them once running has no effect), so `bin/twelve.js` names them in its
 * `#!` line, and whatever starts `twelve serve` with `node` itself (the demo, the tests, a systemd unit)
 * passes them too; `twelve serve` says so in its log when they are missing.
 *
 * `--no-memory-reducer`: after a few seconds idle, V8's memory reducer gives the young generation's
 * memory back to the system, and the next burst of work faults every page of it in again, at 10-18 µs a
 * fault on this kind of machine. twelve is a daemon whose work comes in bursts (a chatty process, a
 * spike of requests): in the logs benchmark its page faults per million lines fell from 1,100-2,100 to
 * 20-80 without the reducer, and its CPU from 200-280 ms to 140-180 ms (docs/logs.md). The old
 * generation is still collected as usual; what the flag keeps is the young generation's few MB.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** The flags this process was started without. */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
