/** An HTTPS (or HTTP) drain: each batch is one POST with `application/logplex-1` framing, as Heroku sends. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DrainRefusal } from './drain-refusal.js';
import type { DrainTarget } from './drain-url.js';
import { frames } from './syslog-frame.js';
import type { Batch, Transport, TransportOptions } from './transport.js';

export class HttpTransport implements Transport {
  private current: { destroy(): void } | null = null;

  constructor(private readonly target: DrainTarget, private readonly options: TransportOptions) {}

  send({ frameId, events }: Batch): Promise<void> {
    const { url } = this.target;
    const body = Buffer.from(frames(events));
    const headers: Record<string, string> = {
      'content-type': 'application/logplex-1',
      'content-length': String(body.length),
      'logplex-msg-count': String(events.length),
      'logplex-frame-id': frameId,
      'logplex-drain-token': this.options.token,
      'user-agent': 'twelve-logplex',
    };
    if (url.username || url.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    }
    const request = this.target.kind === 'https' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.target.host, port: this.target.port, path: `${url.pathname}${url.search}`, method: 'POST', headers,
        ...(this.target.kind === 'https' ? this.options.tls : {}),
      }, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new DrainRefusal(status));
        });
        res.on('error', reject);
      });
      this.current = req;
      req.setTimeout(this.options.timeoutMs ?? 10_000, () => req.destroy(new Error('the drain did not answer in time')));
      req.on('error', reject);
      req.on('close', () => { if (this.current === req) this.current = null; });
      req.end(body);
    });
  }

  close(): void {
    this.current?.destroy();
  }
}
