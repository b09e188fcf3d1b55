/**
 * Reads the API's log frames (`format=frames`, src/api/log-stream.ts): a JSON header line with the byte
 * count of the lines after it, then the lines. Yields each frame's header with its lines as `text`
 * (joined by newlines), as soon as the frame is whole.
 */
import type { LogFrameHeader } from '../api/types.js';
import { CliError } from './cli-error.js';

export interface LogFrame extends Omit<LogFrameHeader, 'bytes'> {
  /** The frame's lines joined by `\n`. */
  text: string;
}

function badFrame(detail: string): CliError {
  return new CliError('BAD_RESPONSE', `the API sent a log frame twelve cannot read: ${detail}`, 'Check that TWELVE_API_URL points at twelve.');
}

function parseHeader(line: string): LogFrameHeader {
  let header: LogFrameHeader;
  try {
    header = JSON.parse(line) as LogFrameHeader;
  } catch {
    throw badFrame(line.slice(0, 200));
  }
  if (!Number.isSafeInteger(header.bytes) || header.bytes < 1 || !Number.isSafeInteger(header.firstId)) throw badFrame(line.slice(0, 200));
  return header;
}

/** @example for await (const frame of readLogFrames(response)) process.stdout.write(frame.text + '\n'); */
export async function* readLogFrames(body: AsyncIterable<Buffer>): AsyncGenerator<LogFrame> {
  let buffered: Buffer = Buffer.alloc(0);
  let header: LogFrameHeader | undefined;
  for await (const chunk of body) {
    buffered = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      if (!header) {
        const newline = buffered.indexOf(10);
        if (newline === -1) break;
        header = parseHeader(buffered.toString('utf8', 0, newline));
        buffered = buffered.subarray(newline + 1);
      }
      if (buffered.length < header.bytes) break;
      const { bytes, ...rest } = header;
      yield { ...rest, text: buffered.toString('utf8', 0, bytes - 1) };
      buffered = buffered.subarray(bytes);
      header = undefined;
    }
  }
  if (header || buffered.length > 0) throw badFrame('the answer ended inside a frame');
}
