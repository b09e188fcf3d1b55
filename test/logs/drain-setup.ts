/** What the drain tests share: a database for their apps, and lines published and read back by process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DrainManager, type DrainManagerOptions } from '../../src/logs/drains/drain-manager.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp, type App } from '../../src/store/apps.js';
import { generateSecretKey, Keyring } from '../../src/store/secret-box.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { useKeyring } from '../../src/store/sealing.js';
import { HttpReceiver, SilentReceiver } from './receivers.js';

/** A database in a temporary directory for the calling test file, open from its first test to its last. */
export function testDatabase(): () => Db {
  let dir = '';
  let db: Db | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'twelve-drains-'));
    db = openDatabase(join(dir, 'twelve.db'));
    useKeyring(db, new Keyring([generateSecretKey()]));
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

/** The app's lines an HTTP receiver got, in arrival order (a logplex-1 message: `<PRI>VERSION TIME HOST SOURCE PROCESS - - TEXT`). */
export function appLinesAt(receiver: HttpReceiver): Array<{ process: string; text: string }> {
  return receiver.messages.map((m) => {
    const [, , , source, process, , , ...text] = m.split(' ');
    return { source, process: process!, text: text.join(' ') };
  }).filter((m) => m.source === 'app');
}

export interface HttpDrainSetup { app: App; bus: LogBus; drains: DrainManager; receiver: HttpReceiver }

/**
 * `withHttpReceiver(name, run)`: an app's drains (retrying fast) on a fresh bus, and a node:http receiver
 * (`prepare` sets it up before it listens); both are closed after `run`.
 */
export function httpReceiverSetup(database: () => Db, options: DrainManagerOptions = {}) {
  return async (name: string, run: (setup: HttpDrainSetup) => Promise<void>, prepare?: (receiver: HttpReceiver) => void): Promise<void> => {
    const app = insertApp(database(), name);
    const bus = new LogBus();
    const drains = new DrainManager(database(), bus, { firstRetryMs: 50, maxRetryMs: 200, ...options });
    const receiver = new HttpReceiver();
    prepare?.(receiver);
    await receiver.start();
    try {
      await run({ app, bus, drains, receiver });
    } finally {
      await drains.close(0);
      await receiver.stop();
    }
  };
}

export interface SilentDrainSetup { app: App; bus: LogBus; drains: DrainManager; receiver: SilentReceiver }

/** An app with a syslog drain (retrying fast) to a TCP receiver that reads nothing; both are closed after `run`. */
export async function withSilentReceiver(database: () => Db, name: string, options: DrainManagerOptions,
  run: (setup: SilentDrainSetup) => Promise<void>): Promise<void> {
  const receiver = new SilentReceiver();
  const port = await receiver.start();
  const app = insertApp(database(), name);
  const bus = new LogBus();
  const drains = new DrainManager(database(), bus, { firstRetryMs: 50, maxRetryMs: 200, ...options });
  try {
    drains.add(app.id, `syslog+tcp://127.0.0.1:${port}`);
    await run({ app, bus, drains, receiver });
  } finally {
    await drains.close(0);
    receiver.dispose();
  }
}
