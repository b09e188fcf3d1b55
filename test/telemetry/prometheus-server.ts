/** A real Prometheus server for a test: its config written here, a free port, a temp storage dir, stopped by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../e2e/harness.js';
import { freePort } from '../../src/free-port.js';

export interface ScrapeTarget { host: string; path: string; bearer?: string }

export class PrometheusServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'twelve-prometheus-'));
  port = 0;
  output = '';

  /** Starts Prometheus scraping `target` every second; resolves once it is ready. */
  async start(target: ScrapeTarget): Promise<void> {
    this.port = await freePort();
    const auth = target.bearer ? `    authorization:\n      type: Bearer\n      credentials: ${target.bearer}\n` : '';
    const config = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: twelve\n    metrics_path: ${target.path}\n${auth}    static_configs:\n      - targets: ['${target.host}']\n`;
    writeFileSync(join(this.dir, 'prometheus.yml'), config);
    this.child = spawn('prometheus', [
      `--config.file=${join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    await waitFor('prometheus to be ready', async () => {
      if (this.child!.exitCode !== null) throw new Error(`prometheus exited: ${this.output}`);
      const response = await fetch(`http://127.0.0.1:${this.port}/-/ready`);
      return response.ok;
    }, 30_000, 200);
  }

  /** An instant PromQL query; the vector's samples as [labels, value]. */
  async query(promql: string, timeSeconds?: number): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const params = new URLSearchParams({ query: promql });
    if (timeSeconds !== undefined) params.set('time', String(timeSeconds));
    const response = await fetch(`http://127.0.0.1:${this.port}/api/v1/query?${params}`);
    const body = await response.json() as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The scrape target's health as Prometheus sees it. */
  async targetHealth(): Promise<string | undefined> {
    const response = await fetch(`http://127.0.0.1:${this.port}/api/v1/targets`);
    const body = await response.json() as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
    return body.data.activeTargets[0]?.health;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
