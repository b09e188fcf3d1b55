/** Reads an NDJSON body (deploy events, log events) one parsed value per line, as the lines arrive. */
import { StringDecoder } from 'node:string_decoder';
import { CliError } from './cli-error.js';

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new CliError('BAD_RESPONSE', `the API sent a line that is not JSON: ${line.slice(0, 200)}`,
      'Check that TWELVE_API_URL points at twelve.');
  }
}

/**
 * Yields each JSON line of `body` as soon as its newline arrives; blank lines are skipped.
 * @example for await (const event of readNdjson(response)) console.log(event);
 */
export async function* readNdjson(body: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield parseLine(line);
      newline = pending.indexOf('\n');
    }
  }
  const last = (pending + decoder.end()).trim();
  if (last) yield parseLine(last);
}
