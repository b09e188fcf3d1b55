/**
 * The CLI side of an attached `twelve run`: opens the attach link with an HTTP Upgrade, then sends
 * standard input and Ctrl-C as frames and writes the process's stdout and stderr as they come.
 * Resolves with the process's exit status.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiErrorBody, RunExit } from '../api/types.js';
import { encodeFrame, FrameReader } from '../run/frames.js';
import { CliError } from './cli-error.js';

export interface RunSessionOptions {
  /** Absolute URL of the attach link. */
  url: URL;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Called once with a function that asks the process to stop (first call: SIGTERM, then SIGKILL). */
  onInterruptible?: (interrupt: () => void) => void;
}

function connect(url: URL): Promise<{ socket: Socket; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers: { connection: 'Upgrade', upgrade: 'twelve-run', 'user-agent': 'twelve-cli' } });
    req.on('upgrade', (_response, socket, head) => resolve({ socket, head }));
    req.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => {
        try {
          const { error } = JSON.parse(text) as { error: ApiErrorBody };
          reject(new CliError(error.code, error.message, error.hint));
        } catch {
          reject(new CliError('HTTP_ERROR', `attaching answered ${response.statusCode ?? 0}`));
        }
      });
    });
    req.on('error', (error) => reject(new CliError('API_UNREACHABLE', `could not attach to the process: ${error.message}`)));
    req.end();
  });
}

export async function runSession(options: RunSessionOptions): Promise<number> {
  const { socket, head } = await connect(options.url);
  socket.setNoDelay(true);
  let interrupts = 0;
  const send = (type: 'i' | 'c' | 's', payload?: Buffer | string) => {
    if (!socket.destroyed) socket.write(encodeFrame(type, payload));
  };
  options.onInterruptible?.(() => send('s', interrupts++ === 0 ? 'TERM' : 'KILL'));

  const onInput = (chunk: Buffer | string) => send('i', typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const onInputEnd = () => send('c');
  options.stdin.on('data', onInput);
  options.stdin.on('end', onInputEnd);
  options.stdin.on('error', onInputEnd);

  try {
    return await new Promise<number>((resolve, reject) => {
      let status: number | undefined;
      // Output is paused while the terminal or pipe is full, so a fast process cannot fill the CLI's memory.
      const write = (stream: NodeJS.WritableStream, chunk: Buffer) => {
        if (!stream.write(chunk)) {
          socket.pause();
          stream.once('drain', () => socket.resume());
        }
      };
      const reader = new FrameReader((type, payload) => {
        if (type === 'o') write(options.stdout, payload);
        else if (type === 'e') write(options.stderr, payload);
        else if (type === 'x') status = (JSON.parse(payload.toString()) as RunExit).status;
        else if (type === '!') {
          const { error } = JSON.parse(payload.toString()) as { error: ApiErrorBody };
          reject(new CliError(error.code, error.message, error.hint));
        }
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          socket.destroy(error as Error);
        }
      });
      if (head.length > 0) reader.push(head);
      socket.on('error', () => {}); // 'close' follows and says what happened
      socket.on('close', () => {
        if (status !== undefined) resolve(status);
        else reject(new CliError('RUN_INTERRUPTED', 'the connection to the process ended before it exited',
          'Check `twelve ps -a APP` and `twelve logs -a APP` for what happened.'));
      });
    });
  } finally {
    options.stdin.off('data', onInput);
    options.stdin.off('end', onInputEnd);
    options.stdin.off('error', onInputEnd);
    socket.destroy();
  }
}
