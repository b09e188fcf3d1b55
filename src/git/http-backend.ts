/**
 * Smart HTTP for git, served by git's own `git http-backend` run as a CGI program: twelve hands it the
 * request (environment + body) and copies its answer back as it comes, so the `remote:` lines of a push
 * reach the client while the build runs.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface CgiRequest {
  method: string;
  /** The repository's parent directory; `pathInfo` starts with the repository's name. */
  projectRoot: string;
  pathInfo: string;
  query: string;
  headers: IncomingMessage['headers'];
  remoteUser: string;
  remoteAddr: string;
}

/**
 * The CGI environment (RFC 3875) http-backend reads. REMOTE_USER enables receive-pack; GIT_PROTOCOL
 * carries the client's protocol version; without CONTENT_LENGTH (a chunked push) it reads to the end.
 */
export function cgiEnvironment(request: CgiRequest, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GATEWAY_INTERFACE: 'CGI/1.1',
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REQUEST_METHOD: request.method,
    REMOTE_USER: request.remoteUser,
    REMOTE_ADDR: request.remoteAddr,
  };
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const optional: Array<[string, string | undefined]> = [
    ['CONTENT_TYPE', header('content-type')], ['CONTENT_LENGTH', header('content-length')],
    ['HTTP_CONTENT_ENCODING', header('content-encoding')], ['GIT_PROTOCOL', header('git-protocol')],
  ];
  for (const [key, value] of optional) if (value !== undefined) env[key] = value;
  return { ...env, ...extra };
}

/** Splits a CGI answer's header block into a status and headers. */
export function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Runs http-backend for one request and writes its answer to `response`; resolves once it is sent. */
export function runHttpBackend(env: Record<string, string>, body: Readable | null, response: ServerResponse): Promise<void> {
  return new Promise((done) => {
    const child = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let head = Buffer.alloc(0);
    let started = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') + 4 : head.indexOf('\n\n') >= 0 ? head.indexOf('\n\n') + 2 : -1;
      if (end < 0) return;
      const { status, headers } = parseCgiHeaders(head.subarray(0, end).toString('latin1'));
      response.writeHead(status, headers);
      response.flushHeaders();
      started = true;
      if (end < head.length) response.write(head.subarray(end));
    });
    child.on('close', (code) => {
      if (!started) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`git http-backend failed (exit ${code}): ${stderr.trim()}\n`);
      } else {
        response.end();
      }
      done();
    });
    // A client that hangs up mid-push must not leave the request body half-read by a live child.
    response.on('close', () => { if (child.exitCode === null) child.stdin.destroy(); });
    child.stdin.on('error', () => undefined);
    if (body) body.pipe(child.stdin);
    else child.stdin.end();
  });
}
