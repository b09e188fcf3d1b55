/**
 * Factor III on the running app, with --measure and an app.json that declares env: does the web process
 * start without its optional config, and does it stop at once, saying so, without a required key? Two
 * brief runs of measure-run.ts, each with keys left out of the release's environment.
 */
import type { EnvEntry } from '../config/env-schema.js';
import { measureRun, type MeasureSpec } from './measure-run.js';
import type { Finding } from './report.js';

function without(env: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !keys.includes(key)));
}

export async function configRunFindings(spec: MeasureSpec, entries: EnvEntry[]): Promise<Finding[]> {
  const found: Finding[] = [];
  const optional = entries.filter((entry) => !entry.required).map((entry) => entry.key);
  if (optional.length > 0) {
    const run = await measureRun({ ...spec, env: without(spec.env, optional), brief: true });
    found.push(run.bootMs !== null
      ? { verdict: 'pass', check: 'optional-config', message: `measured: starts without its optional config (${optional.join(', ')})` }
      : { verdict: 'fail', check: 'optional-config', message: `measured: does not start without optional config ${optional.join(', ')} (it ${run.exitedAtBoot ?? 'never accepted a connection'})`,
        fix: 'Give optional config a default in the code, or mark it "required": true in app.json.' });
  }
  // A key with a default in app.json is always set by twelve: only one without can be missing.
  const required = entries.find((entry) => entry.required && entry.value === undefined)?.key;
  if (required) {
    const run = await measureRun({ ...spec, env: without(spec.env, [required]), brief: true });
    const fix = `Check required config at start: exit with a message naming ${required} when it is missing.`;
    if (run.bootMs !== null) {
      found.push({ verdict: 'warn', check: 'required-config', message: `measured: starts without required ${required}: it fails later, wherever ${required} is needed`, fix });
    } else if (run.exitedAtBoot && run.outputTail.includes(required)) {
      found.push({ verdict: 'pass', check: 'required-config', message: `measured: without ${required} it ${run.exitedAtBoot} and says ${required} is missing` });
    } else {
      found.push({ verdict: 'warn', check: 'required-config', message: `measured: without ${required} it ${run.exitedAtBoot ?? 'neither starts nor exits'}, and its output does not name ${required}`, fix });
    }
  }
  return found;
}
