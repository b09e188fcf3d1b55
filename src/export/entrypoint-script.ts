/**
 * The image's entrypoint: takes a process type and runs the release's Procfile command for it through
 * `/bin/sh -c`, as Heroku and twelve's supervisor do; anything else is run as a one-off command.
 */
import { execIfSimple } from '../run/process-spec.js';

export const ENTRYPOINT_PATH = '/usr/local/bin/twelve-run';

/** A word the shell takes as it is written, whatever it holds. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * @example entrypointScript({ web: 'node server.js' })
 * // case "$1" in 'web') command='exec node server.js' ;; ... esac
 */
export function entrypointScript(processTypes: Record<string, string>): string {
  const types = Object.keys(processTypes).filter((type) => type !== 'release').sort();
  const release = processTypes.release;
  const cases = [...types.map((type) => [type, processTypes[type]!] as const), ...(release === undefined ? [] : [['release', release] as const])]
    .map(([type, command]) => `  ${shellQuote(type)}) command=${shellQuote(execIfSimple(command))} ;;`);
  return [
    '#!/bin/sh',
    '# twelve-run TYPE: runs the Procfile command of TYPE with sh -c, as twelve and Heroku do.',
    '# twelve-run COMMAND [ARG...]: runs a one-off command, as `twelve run` does.',
    'set -e',
    'cd /app',
    `[ $# -gt 0 ] || { echo 'twelve-run: name a process type (${[...types, ...(release === undefined ? [] : ['release'])].join(', ')}) or a command' >&2; exit 64; }`,
    'case "$1" in',
    ...cases,
    '  *) exec "$@" ;;',
    'esac',
    'export DYNO="${DYNO:-$1.1}"',
    'exec /bin/sh -c "$command"',
    '',
  ].join('\n');
}
