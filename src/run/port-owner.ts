/**
 * Who listens on a port: a web process counts as up only when the socket accepting on its PORT is its
 * own. Otherwise anything else that bound the port first (another platform, a stray server) would pass
 * the up check and get the app's traffic. The listening sockets are asked of the kernel over sock_diag
 * (native/tcp-listeners.c), which answers with the listeners alone; where that addon is not built,
 * /proc/net/tcp and tcp6 are read, which list every connection of the machine.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { groupDescendants, groupMembers } from '../launch/proc-stat.js';
import { loadAddon } from '../native-addon.js';

interface TcpListenersAddon {
  /** Inodes of the sockets listening on the port (IPv4 and IPv6), or -errno. */
  inodes(port: number): number[] | number;
}

const { addon } = loadAddon<TcpListenersAddon>('tcp_listeners');

/** The kernel's answer, or null without the addon or when sock_diag cannot be asked (then /proc is read). */
function askKernel(port: number): Set<string> | null {
  const answer = addon?.inodes(port);
  return Array.isArray(answer) ? new Set(answer.map(String)) : null;
}

/** IPv4 first: a server bound to 127.0.0.1 or 0.0.0.0 is found without reading the IPv6 table. */
const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** Listening sockets by port (hex, as the tables write it): their inodes. */
type Listeners = Map<string, Set<string>>;

/**
 * The listeners of each table as last read. A listening socket keeps its port until it is closed, so a
 * socket a group still holds that was listening on a port when the table was read listens there still:
 * a hit is as good as a fresh read. Only a miss reads the table again, so the web processes of a
 * `ps:scale web=20` that come up together share a few reads of a table that lists every connection.
 */
const lastRead = new Map<string, Listeners>();

/** The LISTEN sockets of one /proc/net table; null when it cannot be read. */
function readListeners(table: string): Listeners | null {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return null;
  }
  const listeners: Listeners = new Map();
  for (const line of text.split('\n')) {
    // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
    const fields = line.trim().split(/\s+/);
    if (fields.length <= 9 || fields[3] !== '0A') continue;
    const port = fields[1]!.slice(fields[1]!.lastIndexOf(':') + 1);
    let inodes = listeners.get(port);
    if (!inodes) listeners.set(port, inodes = new Set());
    inodes.add(fields[9]!);
  }
  lastRead.set(table, listeners);
  return listeners;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/** Inodes of the sockets listening on `port` (TCP over IPv4 and IPv6): the kernel's answer, else /proc/net's. */
export function listeningInodes(port: number): Set<string> {
  return askKernel(port) ?? tableListeningInodes(port);
}

/** The same, from /proc/net's tables alone (what twelve reads without the addon). */
export function tableListeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of TABLES) for (const inode of readListeners(table)?.get(hexPort(port)) ?? []) inodes.add(inode);
  return inodes;
}

/** The socket inodes a process holds open. */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[')) inodes.push(target.slice(8, -1));
    } catch {
      // the fd closed while we looked
    }
  }
  return inodes;
}

/**
 * Whether a process of group `pgid` holds a socket listening on `port`. Undefined when /proc cannot tell
 * (no such tables here): the caller then trusts the accepted connection, as it would without this check.
 * The leader's own descendants are looked at first, and every process of the machine only when none of
 * them holds the socket: that costs a read of every /proc/PID/stat, once per web process that comes up.
 */
export function groupListensOn(pgid: number, port: number): boolean | undefined {
  const held = new Set(groupDescendants(pgid).flatMap(socketInodes));
  const listening = askKernel(port) ?? readTablesFor(port, held);
  if (listening === true) return true;
  for (const inode of listening) if (held.has(inode)) return true;
  if (listening.size === 0) return undefined;
  return groupMembers(pgid).some((pid) => socketInodes(pid).some((inode) => listening.has(inode)));
}

/** From /proc/net: true as soon as a listener on `port` is one of `held`, else every listener on it. */
function readTablesFor(port: number, held: Set<string>): Set<string> | true {
  const key = hexPort(port);
  for (const table of TABLES) for (const inode of lastRead.get(table)?.get(key) ?? []) if (held.has(inode)) return true;
  const listening = new Set<string>();
  for (const table of TABLES) {
    for (const inode of readListeners(table)?.get(key) ?? []) {
      if (held.has(inode)) return true;
      listening.add(inode);
    }
  }
  return listening;
}
