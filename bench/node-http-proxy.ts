/**
 * The router design twelve replaced, kept as a bench baseline so each run compares both designs: a
 * node:http server proxying through a keep-alive http.Agent, with the same per-request work (request
 * id, X-Forwarded-*, a router log line). Run as `node dist/bench/node-http-proxy.js LISTEN_PORT APP_PORT`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

const [listenPort, appPort] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true });
const lines: string[] = [];

const server = http.createServer((req, res) => {
  const started = performance.now();
  const requestId = randomUUID();
  const fwd = req.socket.remoteAddress ?? '';
  const headers = { ...req.headers, 'x-forwarded-for': fwd, 'x-forwarded-proto': 'http', 'x-request-id': requestId };
  delete headers.connection;
  const upstream = http.request({ agent, host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers }, (backendRes) => {
    res.writeHead(backendRes.statusCode ?? 502, { ...backendRes.headers, 'x-request-id': requestId });
    let bytes = 0;
    backendRes.on('data', (chunk: Buffer) => { bytes += chunk.length; });
    backendRes.on('end', () => {
      lines.push(`at=info method=${req.method} path="${req.url}" host=${req.headers.host} request_id=${requestId} fwd="${fwd}" `
        + `dyno=web.1 service=${Math.round(performance.now() - started)}ms status=${backendRes.statusCode} bytes=${bytes}`);
      if (lines.length > 10_000) lines.splice(0, 1000);
    });
    backendRes.pipe(res);
  });
  upstream.on('error', () => { res.writeHead(502).end(); });
  req.pipe(upstream);
});
server.listen(listenPort, '127.0.0.1', () => console.log('ready'));
