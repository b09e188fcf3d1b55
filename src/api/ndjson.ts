/** Streaming answers: one JSON object a line, written as things happen. */
import type { FastifyReply } from 'fastify';

export interface NdjsonStream {
  send(event: unknown): void;
  end(): void;
  /** True once the client went away; writing then is a no-op. */
  readonly closed: boolean;
}

export function openNdjson(reply: FastifyReply): NdjsonStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  raw.flushHeaders();
  let closed = false;
  raw.on('close', () => { closed = true; });
  return {
    send(event) {
      if (!closed) raw.write(`${JSON.stringify(event)}\n`);
    },
    end() {
      if (!closed) raw.end();
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}
