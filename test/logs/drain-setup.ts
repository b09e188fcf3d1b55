/** What the drain tests share: a database for their apps, and lines published and read back by process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { LogBus } from '../../src/logs/log-bus.js';
import { openDatabase, type Db } from '../../src/store/database.js';

/** A database in a temporary directory for the calling test file, open from its first test to its last. */
export function testDatabase(): () => Db {
  let dir = '';
  let db: Db | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'twelve-drains-'));
    db = openDatabase(join(dir, 'twelve.db'));
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => db!;
}

/** Publishes `count` lines for each process, interleaved; returns what each process said, in order. */
export function publishLines(bus: LogBus, app: string, processes: string[], count: number, label: string): Map<string, string[]> {
  const said = new Map(processes.map((p) => [p, [] as string[]]));
  for (let i = 0; i < count; i += 1) {
    for (const process of processes) {
      const text = `${label} ${process} ${i}`;
      bus.publish(app, 'app', process, text);
      said.get(process)!.push(text);
    }
  }
  return said;
}

/** Each process's lines as received, in arrival order. */
export function byProcess(lines: Array<{ process: string; text: string }>): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const { process, text } of lines) seen.set(process, [...(seen.get(process) ?? []), text]);
  return seen;
}
