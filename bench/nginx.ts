/** nginx as the router baseline: its own config in a temp dir, one worker, keep-alive upstream, request ids logged. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, onCleanup, spawnTracked, tempDir } from './cleanup.js';
import { freePort } from '../src/free-port.js';
import { accepts, answers, until } from './probe.js';

/**
 * nginx terminating TLS like twelve's https port: TLS 1.2/1.3, session cache and tickets (or, with
 * `resumption: false`, neither: every handshake a full one), and no cap on requests per keep-alive
 * connection (twelve has none; nginx's default of 1000 would add handshakes).
 */
export interface NginxTls { certFile: string; keyFile: string; resumption?: boolean }

/** The config: everything (pid, logs, temp files) under `dir`, so it touches nothing of the system's nginx. */
export function nginxConfig(dir: string, listenPort: number, appPort: number, tls?: NginxTls): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format bench '$remote_addr - [$time_local] "$request" $status $body_bytes_sent $request_time id=$request_id${tls ? ' reused=$ssl_session_reused' : ''}';
  access_log ${dir}/access.log bench;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app {
    server 127.0.0.1:${appPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${listenPort}${tls ? ' ssl' : ''};${tls ? `
    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache ${tls.resumption === false ? 'off' : 'shared:SSL:10m'};
    ssl_session_tickets ${tls.resumption === false ? 'off' : 'on'};
    keepalive_requests 1000000;` : ''}
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Request-Id $request_id;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}

export interface StartedNginx {
  port: number;
  accessLog: string;
  /** Its worker's pid (the master only watches it), for the CPU it spends. */
  workerPid: () => number;
  stop: () => Promise<void>;
}

/** Starts nginx in the foreground in front of `appPort`; resolves its port (and its access log) once it proxies. */
export async function startNginx(bin: string, appPort: number, tls?: NginxTls): Promise<StartedNginx> {
  const dir = tempDir('nginx');
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, appPort, tls));
  // -e: nginx opens its error log before reading the config; without it that is /var/log/nginx.
  const child = spawnTracked(bin, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')]);
  // SIGQUIT is nginx's graceful stop; SIGKILL by the run's cleanup if it lingers. Its worker exits with the master.
  const stop = () => killChild(child, 'SIGQUIT');
  onCleanup(stop);
  await until('nginx to proxy', async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${child.output()}`);
    return tls ? accepts(port) : answers(port);
  }, 10_000, 20);
  const workerPid = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { port, accessLog: join(dir, 'access.log'), workerPid, stop };
}
