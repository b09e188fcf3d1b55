/**
 * One-off processes over the API. `POST /v1/apps/:app/runs` makes one: detached, it starts at once;
 * attached, the answer carries a one-time attach link. The client then opens that link with an HTTP
 * Upgrade (`Upgrade: twelve-run`) and the connection becomes a framed byte stream both ways
 * (src/run/frames.ts): stdin and signals in, stdout, stderr and the exit status out. The process starts
 * only once attached, so no output is lost, and it is stopped (SIGTERM, then SIGKILL) if the client goes away.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { asTwelveError, TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { encodeFrame, FrameReader, type FrameType } from '../run/frames.js';
import type { OneOff } from '../run/one-off.js';
import { exitStatus } from '../run/process-run.js';
import { getApp } from '../store/apps.js';
import { getRelease, getReleaseById } from '../store/releases.js';
import { oneOffView } from './one-off-view.js';
import type { RunExit, RunView } from './types.js';

const ATTACH_PATH = /^\/v1\/runs\/([0-9a-f]{48})\/attach$/;
export const RUN_PROTOCOL = 'twelve-run';

interface RunBody { command?: unknown; release?: unknown; attach?: unknown }

export function registerRunRoutes(server: FastifyInstance, platform: Platform): void {
  server.post<{ Params: { app: string } } & { Reply: RunView }>('/v1/apps/:app/runs', async (request, reply) => {
    const body = (request.body ?? {}) as RunBody;
    const command = body.command;
    const words = Array.isArray(command) && command.length > 0 && command.every((word) => typeof word === 'string');
    if (!words && (typeof command !== 'string' || command.trim() === '')) {
      throw new TwelveError('BAD_REQUEST', 'command must be a shell line or a non-empty list of words');
    }
    if (body.release !== undefined && (typeof body.release !== 'number' || !Number.isInteger(body.release) || body.release < 1)) {
      throw new TwelveError('BAD_REQUEST', 'release must be a release number such as 3');
    }
    const app = getApp(platform.db, request.params.app);
    let release;
    if (typeof body.release === 'number') release = getRelease(platform.db, app.id, body.release);
    else if (app.currentReleaseId !== null) release = getReleaseById(platform.db, app.currentReleaseId);
    else throw new TwelveError('NO_RELEASE', `${app.name} has not been deployed yet`);
    const { proc, attachSecret } = platform.oneOffs.create(app, release, { type: 'run', command: command as string | string[], attach: body.attach === true });
    platform.logs.publish(app.name, 'twelve', 'api', `Starting process with command \`${proc.spec.command}\` as ${proc.name} (v${release.version})`);
    return reply.status(201).send({ ...oneOffView(proc), attachUrl: attachSecret ? `/v1/runs/${attachSecret}/attach` : null });
  });

  server.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // No URL parsing here: this handler runs outside Fastify, and a target that node's parser accepts but
    // URL rejects (`//a:b`) would otherwise throw out of an event handler and take the daemon down.
    const match = ATTACH_PATH.exec((request.url ?? '/').split('?')[0]!);
    if (!match) {
      // Another module may handle this upgrade; when none does, say so instead of leaving it hanging.
      if (server.server.listenerCount('upgrade') === 1) refuse(socket, 404, new TwelveError('NOT_FOUND', `no upgrade route ${request.url ?? ''}`));
      return;
    }
    if ((request.headers.upgrade ?? '').toLowerCase() !== RUN_PROTOCOL) {
      refuse(socket, 400, new TwelveError('BAD_REQUEST', `attach with Upgrade: ${RUN_PROTOCOL}`));
      return;
    }
    attach(platform, match[1]!, socket, head);
  });
}

function refuse(socket: Duplex, status: number, error: TwelveError): void {
  const body = JSON.stringify({ error: error.toJSON() });
  socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function attach(platform: Platform, secret: string, socket: Duplex, head: Buffer): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${RUN_PROTOCOL}\r\n\r\n`);
  (socket as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  socket.on('error', () => {}); // a client that vanished: handled by 'close'
  let proc: OneOff | undefined;
  let paused = false;
  const send = (type: FrameType, payload?: Buffer | string) => {
    if (socket.destroyed || !socket.writable) return;
    // Backpressure: a client that reads slowly pauses the process's output until its socket drains.
    if (!socket.write(encodeFrame(type, payload)) && proc && !paused) {
      paused = true;
      proc.pauseOutput();
      socket.once('drain', () => {
        paused = false;
        proc?.resumeOutput();
      });
    }
  };
  try {
    proc = platform.oneOffs.claim(secret, { onStdout: (chunk) => send('o', chunk), onStderr: (chunk) => send('e', chunk) });
  } catch (error) {
    const twelveError = asTwelveError(error, 'could not attach');
    send('!', JSON.stringify({ error: twelveError.toJSON() }));
    socket.end();
    return;
  }
  let ended = false;
  const reader = new FrameReader((type, payload) => {
    if (type === 'i') proc.write(payload);
    else if (type === 'c') proc.endInput();
    else if (type === 's' && payload.toString() === 'KILL') proc.kill();
    else if (type === 's') void proc.stop();
  });
  const onData = (chunk: Buffer) => {
    try {
      reader.push(chunk);
    } catch {
      socket.destroy(); // a malformed frame (or input the process cannot take): the session ends, as on a hang-up
    }
  };
  if (head.length > 0) onData(head);
  socket.on('data', onData);
  // The session is the process's lifeline, as with Heroku's one-off dynos: hanging up stops it.
  socket.on('close', () => {
    if (!ended) void proc.stop();
  });
  void proc.done.then((exit) => {
    ended = true;
    const last: RunExit = { status: exitStatus(exit), code: exit.code, signal: exit.signal };
    send('x', JSON.stringify(last));
    socket.end();
  });
}
