/**
 * Apps are reached only through the router: twelve's own iptables chain drops every SYN-ACK an app's user
 * would send to anything but loopback, so nothing an app listens on (its PORT, or any other port) accepts
 * a connection from another machine, while the app's own outgoing connections work as before. The rules
 * match the app users' uid range (app-user.ts) and cost the router nothing: it reaches apps over loopback.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { errorText } from '../errors.js';
import { APP_UID_RANGE } from './app-user.js';

const CHAIN = 'TWELVE-APPS';

/** The rules of twelve's chain, as iptables arguments (no I/O: tested by exact output). */
export function firewallRules(): string[][] {
  const [low, high] = APP_UID_RANGE;
  return [
    ['-A', CHAIN, '-o', 'lo', '-j', 'RETURN'],
    ['-A', CHAIN, '-p', 'tcp', '--tcp-flags', 'SYN,ACK', 'SYN,ACK', '-m', 'owner', '--uid-owner', `${low}-${high}`, '-j', 'DROP'],
  ];
}

/**
 * Installs the chain for IPv4 and IPv6 (again at every start: flushed and filled, jumped to once from
 * OUTPUT); returns null, or why apps stay reachable from other machines.
 */
export function installFirewall(): string | null {
  const problems: string[] = [];
  for (const tool of ['/usr/sbin/iptables', '/usr/sbin/ip6tables']) {
    if (!existsSync(tool)) {
      problems.push(`${tool} not found (apt-get install iptables)`);
      continue;
    }
    try {
      const run = (args: string[]) => execFileSync(tool, ['-w', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      const ok = (args: string[]) => {
        try {
          run(args);
          return true;
        } catch {
          return false;
        }
      };
      if (!ok(['-N', CHAIN])) run(['-F', CHAIN]);
      for (const rule of firewallRules()) run(rule);
      if (!ok(['-C', 'OUTPUT', '-j', CHAIN])) run(['-I', 'OUTPUT', '-j', CHAIN]);
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      problems.push(`${tool}: ${stderr || errorText(error)}`);
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}
