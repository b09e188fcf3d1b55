/** A steady, bounded HTTP load through the router, counting every answer: for zero-downtime tests and benches. */
import http from 'node:http';
import https from 'node:https';

export interface LoadResult {
  requests: number;
  byStatus: Record<string, number>;
  /** Connection-level failures (reset, refused), which a client sees as an outage too. */
  errors: Record<string, number>;
  latenciesMs: number[];
}

export interface Load {
  stop(): Promise<LoadResult>;
  readonly result: LoadResult;
}

/**
 * Keeps `concurrency` keep-alive requests in flight to Host `host` until stopped, `maxRequests` were sent
 * or `maxMs` passed (whichever comes first), so a forgotten load can never run on.
 */
export function startLoad(options: { port: number; host: string; concurrency?: number; maxRequests?: number; maxMs?: number; path?: string;
  /** Over TLS to the router's https port, trusting this root (PEM); the SNI is the host. */
  tlsCa?: string; }): Load {
  const agentOptions = { keepAlive: true, maxSockets: options.concurrency ?? 4 };
  const agent = options.tlsCa === undefined ? new http.Agent(agentOptions) : new https.Agent({ ...agentOptions, ca: options.tlsCa, servername: options.host });
  const request = options.tlsCa === undefined ? http.request : https.request;
  const result: LoadResult = { requests: 0, byStatus: {}, errors: {}, latenciesMs: [] };
  const deadline = Date.now() + (options.maxMs ?? 180_000);
  const maxRequests = options.maxRequests ?? 1_000_000;
  let stopped = false;

  const one = () => new Promise<void>((done) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port: options.port, path: options.path ?? '/', agent, headers: { host: options.host } }, (res) => {
      res.resume();
      res.on('end', () => {
        const key = String(res.statusCode);
        result.byStatus[key] = (result.byStatus[key] ?? 0) + 1;
        result.latenciesMs.push(performance.now() - started);
        done();
      });
      res.on('error', () => done());
    });
    req.setTimeout(30_000, () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const key = error.code ?? error.message;
      result.errors[key] = (result.errors[key] ?? 0) + 1;
      done();
    });
    req.end();
  });

  const worker = async () => {
    while (!stopped && Date.now() < deadline && result.requests < maxRequests) {
      result.requests += 1;
      await one();
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 4 }, worker);
  return {
    result,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function failures(result: LoadResult): number {
  const bad = Object.entries(result.byStatus).filter(([status]) => !status.startsWith('2')).reduce((sum, [, n]) => sum + n, 0);
  return bad + Object.values(result.errors).reduce((sum, n) => sum + n, 0);
}
