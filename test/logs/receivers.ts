/** Real drain receivers for tests: rsyslog (Debian) on a loopback TCP port, and a node:http logplex receiver. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSYSLOGD = ['/usr/sbin/rsyslogd', '/usr/bin/rsyslogd'].find((path) => existsSync(path));

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** rsyslogd in the foreground with its own config: imtcp on 127.0.0.1:port, every message to one file. */
export class Rsyslog {
  readonly dir = mkdtempSync(join(tmpdir(), 'twelve-rsyslog-'));
  readonly output = join(this.dir, 'messages.log');
  private child: ChildProcess | null = null;
  private log = '';

  constructor(readonly port: number) {
    writeFileSync(join(this.dir, 'rsyslog.conf'), `
global(workDirectory="${this.dir}" maxMessageSize="64k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${port}")
template(name="line" type="string" string="%hostname% %app-name% %procid% %msg%\\n")
*.* action(type="omfile" file="${this.output}" template="line")
`);
  }

  async start(): Promise<void> {
    this.child = spawn(RSYSLOGD!, ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    const child = this.child;
    await waitUntil(`rsyslogd to listen on ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${this.log}`);
      return canConnect(this.port);
    });
  }

  /** The messages received so far: `host app-name procid msg` per line. */
  lines(): string[] {
    try {
      return readFileSync(this.output, 'utf8').split('\n').filter((line) => line !== '');
    } catch {
      return [];
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Splits a logplex-1 body into its syslog messages (octet counting). */
export function parseFrames(body: Buffer): string[] {
  const messages: string[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(32, at);
    const length = Number(body.toString('utf8', at, space));
    messages.push(body.toString('utf8', space + 1, space + 1 + length));
    at = space + 1 + length;
  }
  return messages;
}

/** A logplex-1 HTTP receiver; `failing` makes it answer 503 (a receiver that is down). */
export class HttpReceiver {
  readonly messages: string[] = [];
  readonly requests: Array<{ headers: IncomingMessage['headers']; count: number }> = [];
  failing = false;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.failing) {
          res.writeHead(503).end();
          return;
        }
        const messages = parseFrames(Buffer.concat(chunks));
        this.requests.push({ headers: req.headers, count: messages.length });
        this.messages.push(...messages);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
