/**
 * The second /metrics listener (TWELVE_METRICS_BIND): the same text as the API's /metrics, without the
 * API token, for a Prometheus on the same machine. Only GET /metrics answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TwelveError } from '../errors.js';
import type { Telemetry } from './telemetry.js';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

export async function listenForScrapes(telemetry: Telemetry, host: string, port: number, onError: (error: unknown) => void): Promise<MetricsListener> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    telemetry.scrape().then(({ contentType, text }) => {
      response.writeHead(200, { 'content-type': contentType }).end(text);
    }, (error: unknown) => {
      onError(error);
      response.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect the metrics\n');
    });
  });
  server.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new TwelveError('INVALID_SETTING', `TWELVE_METRICS_BIND: cannot listen on ${host}:${port}: ${error.code ?? error.message}`)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
