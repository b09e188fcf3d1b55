/** A one-off process (`run.N`, `release.1`) in the ProcessView shape that `ps` answers with. */
import type { OneOff } from '../run/one-off.js';
import type { ProcessView } from './types.js';

export function oneOffView(proc: OneOff): ProcessView {
  return {
    name: proc.name, type: proc.spec.type, number: proc.spec.number, state: proc.state, pid: proc.pid, port: null,
    release: proc.spec.releaseVersion, command: proc.spec.command, since: proc.since, restarts: 0,
  };
}
