/**
 * Who listens on a port: a web process counts as up only when the socket accepting on its PORT is its
 * own. Otherwise anything else that bound the port first (another platform, a stray server) would pass
 * the up check and get the app's traffic.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readProcStat } from '../launch/proc-stat.js';

/** Inodes of the sockets listening on `port` (TCP over IPv4 and IPv6), from /proc/net. */
export function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 on this machine: no tcp6 table
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
      if (fields.length > 9 && fields[1]!.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/**
 * Whether a process of group `pgid` holds a socket listening on `port`. Undefined when /proc cannot tell
 * (no such tables here): the caller then trusts the accepted connection, as it would without this check.
 */
export function groupListensOn(pgid: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined; // no /proc: cannot tell
  }
  for (const pid of pids) {
    if (readProcStat(Number(pid))?.pgrp !== pgid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // it ended while we looked
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return true;
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return false;
}
