/**
 * What a TLS server negotiates, read with `openssl s_client` as wrk would connect (an IP address, no
 * server name): protocol, cipher, key exchange, signature, chain, and whether a client that uses each
 * ticket once (as wrk, curl and browsers do over TLS 1.3) keeps resuming over three connections.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './cleanup.js';

const REQUEST = 'GET / HTTP/1.1\r\nHost: %HOST%\r\nConnection: close\r\n\r\n';

/** One s_client connection, bounded in time; `sessionIn`/`sessionOut`: the session files to resume from and to keep. */
function connect(port: number, host: string, sessionIn?: string, sessionOut?: string): string {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-ign_eof'];
  if (sessionIn) args.push('-sess_in', sessionIn);
  if (sessionOut) args.push('-sess_out', sessionOut);
  const run = spawnSync('openssl', args, { input: REQUEST.replace('%HOST%', host), encoding: 'utf8', timeout: 10_000 });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`;
}

function field(output: string, pattern: RegExp): string {
  return pattern.exec(output)?.[1]?.trim() ?? '?';
}

/** A line like `TLSv1.3 TLS_AES_256_GCM_SHA384, X25519, ECDSA/SHA256, chain of 2 (leaf EC 256 bit); resumes: New Reused Reused`. */
export function describeTls(port: number, host: string): string {
  const dir = tempDir('tls-probe');
  const sessions = [0, 1, 2].map((n) => join(dir, `session-${n}`));
  const first = connect(port, host, undefined, sessions[0]);
  const kinds = [field(first, /^(New|Reused),/m)];
  for (let n = 1; n < 3; n++) kinds.push(field(connect(port, host, sessions[n - 1], sessions[n]), /^(New|Reused),/m));
  const chain = first.match(/^ \d+ s:/gm)?.length ?? 0;
  return [
    `${field(first, /^New, (TLSv[\d.]+), Cipher is (?:\S+)/m)} ${field(first, /^New, TLSv[\d.]+, Cipher is (\S+)/m)}`,
    field(first, /^Server Temp Key: ([^,\n]+)/m),
    `${field(first, /^Peer signature type: (\S+)/m)}/${field(first, /^Peer signing digest: (\S+)/m)}`,
    `chain of ${chain} (leaf ${field(first, /^ 0 s:[\s\S]*?a:PKEY: id-(\w+)/m)} ${field(first, /^Server public key is (\d+) bit/m)} bit)`,
  ].join(', ') + `; three connections, each with the ticket of the last: ${kinds.join(' ')}`;
}
