/** Turns a one-off's command, a shell line or a list of words, into what its shell runs and how it is shown. */
import { execIfSimple } from './process-spec.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** @example quoteWord("it's") // `'it'\''s'` */
export function quoteWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A string is a shell line as written (`twelve run 'echo $HOME | wc -c'`), expanded by the shell; a list
 * of words reaches the program exactly as typed, and the shell execs it so that the program itself gets
 * the signals (Ctrl-C) and its exit status is the process's.
 * @example shellCommand(['echo', 'a b']) // { display: "echo 'a b'", script: "exec echo 'a b'" }
 */
export function shellCommand(command: string | string[]): { display: string; script: string } {
  if (typeof command === 'string') return { display: command, script: execIfSimple(command) };
  const display = command.map(quoteWord).join(' ');
  return { display, script: `exec ${display}` };
}
