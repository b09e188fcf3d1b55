/** A tiny real HTTP server on port 0 that answers like twelve's API, for the CLI's client and command tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, body: () => Promise<Buffer>) => void | Promise<void>;

export interface FakeApi {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

/** Starts a server whose every request goes to `handler`; each request's body is recorded once read. */
export async function startFakeApi(handler: Handler): Promise<FakeApi> {
  const requests: Recorded[] = [];
  const server: Server = createServer((request, response) => {
    const recorded: Recorded = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.alloc(0) };
    requests.push(recorded);
    const body = async (): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      recorded.body = Buffer.concat(chunks);
      return recorded.body;
    };
    Promise.resolve(handler(request, response, body)).catch((error: unknown) => {
      response.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

export function sendError(response: ServerResponse, status: number, code: string, message: string, hint: string): void {
  sendJson(response, status, { error: { code, message, hint } });
}

/** A port nothing listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
