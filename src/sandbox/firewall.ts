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
 * The chain as `iptables-restore --noflush` input: declaring the chain creates or empties it, and the
 * whole table is committed at once. Flushing and filling it with one command each let two twelves
 * starting together interleave them (DROP before the loopback RETURN: every app unreachable).
 */
export function firewallRestoreInput(): string {
  return ['*filter', `:${CHAIN} - [0:0]`, ...firewallRules().map((rule) => rule.join(' ')), 'COMMIT', ''].join('\n');
}

/**
 * Installs the chain for IPv4 and IPv6 (again at every start, whole), jumped to once from OUTPUT;
 * returns null, or why apps stay reachable from other machines.
 */
export function installFirewall(): string | null {
  const problems: string[] = [];
  for (const tool of ['/usr/sbin/iptables', '/usr/sbin/ip6tables']) {
    if (!existsSync(tool) || !existsSync(`${tool}-restore`)) {
      problems.push(`${tool} or ${tool}-restore not found (apt-get install iptables)`);
      continue;
    }
    try {
      execFileSync(`${tool}-restore`, ['-w', '--noflush'], { input: firewallRestoreInput(), stdio: ['pipe', 'ignore', 'pipe'] });
      const jumped = () => {
        try {
          execFileSync(tool, ['-w', '-C', 'OUTPUT', '-j', CHAIN], { stdio: 'ignore' });
          return true;
        } catch {
          return false; // no such rule yet
        }
      };
      // Two twelves starting together may both add the jump: the chain is then looked at twice, same answer.
      if (!jumped()) execFileSync(tool, ['-w', '-I', 'OUTPUT', '-j', CHAIN], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      problems.push(`${tool}: ${stderr || errorText(error)}`);
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}
