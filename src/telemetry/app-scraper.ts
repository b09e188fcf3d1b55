/**
 * Scrapes the web processes that declare app.json `metrics.path`, when twelve itself is scraped: one
 * GET per process, in parallel, each bounded in time and size. What they answer joins twelve's /metrics
 * with `app`, `type` and `dyno` labels (exposition.ts); whether each answered is a metric of its own.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';
import type { SupervisedProcess } from '../run/process-spec.js';
import { parseExposition, type Family } from './exposition.js';
import { registerRaw } from './raw-metric.js';

const TIMEOUT_MS = 2_000;
const MAX_BYTES = 8 * 1024 * 1024;

export interface ScrapeResult { app: string; type: string; dyno: string; up: boolean; seconds: number; families: Family[] }

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({
      host: '127.0.0.1', port, path, timeout: TIMEOUT_MS, agent: false,
      headers: { host: 'localhost', accept: 'text/plain;version=0.0.4', 'user-agent': 'twelve-metrics' },
    }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`status ${response.statusCode}`));
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > MAX_BYTES) request.destroy(new Error('answer too large'));
      });
      response.on('end', () => resolve(text));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

export class AppScraper {
  private last: ScrapeResult[] = [];

  constructor(private readonly processes: () => readonly SupervisedProcess[]) {}

  /** Scrapes every process that serves metrics and is up; the families of those that answered. */
  async scrape(): Promise<Family[][]> {
    const targets = this.processes().filter((proc) => proc.spec.metricsPath !== undefined && proc.state === 'up' && proc.port !== null);
    this.last = await Promise.all(targets.map(async (proc): Promise<ScrapeResult> => {
      const labels = { app: proc.spec.app, type: proc.spec.type, dyno: proc.name };
      const started = performance.now();
      try {
        const text = await get(proc.port!, proc.spec.metricsPath!);
        return { ...labels, up: true, seconds: (performance.now() - started) / 1000, families: parseExposition(text, labels) };
      } catch {
        return { ...labels, up: false, seconds: (performance.now() - started) / 1000, families: [] }; // shown as twelve_app_scrape_up 0
      }
    }));
    return this.last.map((result) => result.families);
  }

  register(registry: Registry): void {
    registerRaw(registry, {
      name: 'twelve_app_scrape_up', help: 'Whether the process answered twelve\'s scrape of its own metrics (app.json metrics.path) just now.', type: 'gauge',
      collect: () => this.last.map((r) => ({ labels: { app: r.app, type: r.type, dyno: r.dyno }, value: r.up ? 1 : 0 })),
    });
    registerRaw(registry, {
      name: 'twelve_app_scrape_duration_seconds', help: 'How long the scrape of the process\'s own metrics took, in seconds.', type: 'gauge',
      collect: () => this.last.map((r) => ({ labels: { app: r.app, type: r.type, dyno: r.dyno }, value: r.seconds })),
    });
  }
}
