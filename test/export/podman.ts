/**
 * Debian's podman for the export tests, on storage of the test's own (--root/--runroot in a temp dir,
 * so test files do not collide), with runc (crun refuses this machine's hybrid cgroups) and a
 * containers.conf without default ulimits (which podman 4.3 cannot apply here).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PODMAN_MISSING = spawnSync('podman', ['--version']).status === 0 ? false : 'podman is not installed (apt-get install podman runc)';

export interface Run { code: number; stdout: string; stderr: string }

export class Podman {
  /** Lower case: `podman run oci:DIR` names the image after DIR, and image names are lower case. */
  readonly dir = join(tmpdir(), `twelve-podman-${randomBytes(6).toString('hex')}`);
  private readonly conf = join(this.dir, 'containers.conf');

  constructor() {
    mkdirSync(this.dir);
    writeFileSync(this.conf, '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n');
  }

  get argv(): string[] {
    return ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot'), '--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
  }

  run(args: string[], timeoutMs = 180_000): Promise<Run> {
    return new Promise((done) => {
      const child = spawn('podman', [...this.argv, ...args], { env: { ...process.env, CONTAINERS_CONF: this.conf }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  async ok(args: string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  async dispose(): Promise<void> {
    await this.run(['rm', '--all', '--force', '--time', '0']);
    await this.run(['pod', 'rm', '--all', '--force']);
    await this.run(['rmi', '--all', '--force']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

