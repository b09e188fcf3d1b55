/** A twelve under benchmark: `twelve serve` on a fresh data dir and free ports (the e2e harness), plus a direct API reader. */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, ROOT, TestPlatform } from '../test/e2e/harness.js';
import { onCleanup, trackPid } from './cleanup.js';

export { FIXTURES, ROOT };

export interface BenchProcess { name: string; type: string; state: string; pid: number | null; port: number | null; release: number }

export class BenchPlatform extends TestPlatform {
  /** Starts `twelve serve`; the run stops it (and so its apps) at the end, whatever happens. */
  static async launch(extraEnv: Record<string, string> = {}): Promise<BenchPlatform> {
    const platform = new BenchPlatform(extraEnv);
    onCleanup(() => platform.dispose().then(() => undefined));
    await platform.start();
    if (platform.process?.pid) trackPid(platform.process.pid);
    return platform;
  }

  get pid(): number {
    const pid = this.process?.pid;
    if (pid === undefined) throw new Error('twelve serve is not running');
    return pid;
  }

  /** GET /v1/apps/APP/ps straight from the API: polling through the CLI would time the CLI's start, not twelve. */
  processes(app: string): Promise<BenchProcess[]> {
    const token = readFileSync(join(this.dataDir, 'api-token'), 'utf8').trim();
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.apiPort, path: `/v1/apps/${app}/ps`, agent: false,
        headers: { authorization: `Bearer ${token}` },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`GET ps answered ${res.statusCode}: ${body}`));
          const list = JSON.parse(body) as BenchProcess[];
          for (const proc of list) if (proc.pid) trackPid(proc.pid);
          resolve(list);
        });
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('GET ps timed out')));
      req.end();
    });
  }

  /** apps:create + deploy; resolves once the deploy command has finished. */
  async deployApp(app: string, dir: string): Promise<void> {
    await this.ok('apps:create', app);
    await this.ok('deploy', dir, '-a', app);
  }

  /** The web processes that are up, with their ports. */
  async upWebs(app: string): Promise<Array<BenchProcess & { pid: number; port: number }>> {
    const list = await this.processes(app);
    return list.filter((p): p is BenchProcess & { pid: number; port: number } => p.type === 'web' && p.state === 'up' && p.pid !== null && p.port !== null);
  }
}
