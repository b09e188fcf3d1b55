import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDataDir } from '../../src/data-dir.js';
import { TwelveError, type ErrorCode } from '../../src/errors.js';
import { pathsFor, type Paths } from '../../src/paths.js';
import { openDatabase } from '../../src/store/database.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function freshPaths(): Paths {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-data-dir-'));
  dirs.push(dir);
  return pathsFor(join(dir, 'data'));
}

function mode(path: string): number {
  return statSync(path).mode & 0o7777;
}

function refusedWith(code: ErrorCode, pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof TwelveError && error.code === code && pattern.test(error.message);
}

describe('the data dir', () => {
  it('is created private, and an older install\'s open modes are narrowed at start', () => {
    const paths = freshPaths();
    const first = openDataDir(paths);
    assert.equal(mode(paths.dataDir), 0o700);
    assert.equal(mode(paths.lock), 0o600);
    first.lock.release();

    chmodSync(paths.dataDir, 0o755);
    mkdirSync(paths.appsDir, { mode: 0o755 });
    chmodSync(paths.appsDir, 0o755);
    const db = openDatabase(paths.database);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    for (const file of [paths.database, `${paths.database}-wal`, `${paths.database}-shm`]) chmodSync(file, 0o644);
    writeFileSync(paths.apiToken, 'token\n', { mode: 0o644 });
    writeFileSync(paths.secretKey, 'key\n', { mode: 0o640 });
    const second = openDataDir(paths);
    db.close();
    assert.equal(mode(paths.dataDir), 0o700);
    assert.equal(mode(paths.appsDir), 0o700);
    for (const file of [paths.database, paths.apiToken, paths.secretKey]) assert.equal(mode(file), 0o600, file);
    assert.ok(second.narrowed.includes(paths.database) && second.narrowed.includes(paths.secretKey), String(second.narrowed));
    second.lock.release();
    const third = openDataDir(paths);
    assert.deepEqual(third.narrowed, [], 'nothing left to narrow');
    third.lock.release();
  });

  it('gives a new store and its WAL files mode 0600', () => {
    const paths = freshPaths();
    const { lock } = openDataDir(paths);
    const db = openDatabase(paths.database);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    for (const file of [paths.database, `${paths.database}-wal`, `${paths.database}-shm`]) assert.equal(mode(file), 0o600, file);
    db.close();
    lock.release();
  });

  it('leaves an addon server its way through (search only) when addons exist', () => {
    const paths = freshPaths();
    mkdirSync(join(paths.dataDir, 'addons'), { recursive: true });
    chmodSync(paths.dataDir, 0o755);
    const { lock } = openDataDir(paths);
    assert.equal(mode(paths.dataDir), 0o701);
    lock.release();
  });

  it('refuses a shared directory such as /tmp', () => {
    const paths = freshPaths();
    mkdirSync(paths.dataDir);
    chmodSync(paths.dataDir, 0o1777);
    assert.throws(() => openDataDir(paths), refusedWith('INVALID_SETTING', /sticky bit/));
  });
});

describe('one twelve per data dir', () => {
  it('refuses a second holder while the first has it, and lets one in once it is released', () => {
    const paths = freshPaths();
    const first = openDataDir(paths);
    assert.throws(() => openDataDir(paths), refusedWith('DATA_DIR_IN_USE', /another twelve serve runs on .*data: a second one would take over/));
    first.lock.release();
    openDataDir(paths).lock.release();
  });

  it('is free again once the process that held it is killed with -9, and names that process while it lives', async () => {
    const paths = freshPaths();
    const module = new URL('../../src/data-dir.js', import.meta.url).href;
    const paths_ = new URL('../../src/paths.js', import.meta.url).href;
    const script = `
      const { openDataDir } = await import(${JSON.stringify(module)});
      const { pathsFor } = await import(${JSON.stringify(paths_)});
      const { writeFileSync } = await import('node:fs');
      const paths = pathsFor(${JSON.stringify(paths.dataDir)});
      openDataDir(paths);
      writeFileSync(paths.runMarker, process.pid + '\\n');
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    `;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve(); });
        holder.on('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
      });
      assert.throws(() => openDataDir(paths), refusedWith('DATA_DIR_IN_USE', new RegExp(`\\(pid ${holder.pid}\\)`)));
    } finally {
      const exited = new Promise((resolve) => holder.on('exit', resolve));
      holder.kill('SIGKILL');
      await exited;
    }
    openDataDir(paths).lock.release();
  });
});

describe('a store that lost its rows', () => {
  it('is refused beside app directories, missing or empty, and a fresh install or a real store is not', () => {
    const paths = freshPaths();
    openDataDir(paths).lock.release(); // a fresh install: no store, no apps
    mkdirSync(paths.appDir('shop'), { recursive: true });
    assert.throws(() => openDataDir(paths), refusedWith('STORE_MISSING', /twelve\.db is missing, but .*apps holds 1 app directory \(shop\)/));
    writeFileSync(paths.database, '');
    assert.throws(() => openDataDir(paths), refusedWith('STORE_MISSING', /twelve\.db is empty/));
    const db = openDatabase(paths.database);
    db.close();
    openDataDir(paths).lock.release();
  });
});
