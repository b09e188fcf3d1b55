/**
 * The postgres addon server takes TLS with twelve's own certificate, so code written for Heroku connects
 * unchanged: node-postgres with `ssl: { rejectUnauthorized: false }` or `?sslmode=require` in the URL,
 * and psycopg (libpq) with `sslmode=require`. Plain connections still work.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { PostgresServer } from '../../src/addons/postgres-server.js';

/** Whether the connection that runs it is encrypted, as the server sees it. */
const SSL_IN_USE = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

async function sslInUse(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return (await client.query<{ ssl: boolean }>(SSL_IN_USE)).rows[0]!.ssl;
  } finally {
    await client.end();
  }
}

/** The machine's local package mirror, when there is one (pip would otherwise retry the internet). */
const PIP_INDEX = '/opt/pypi/simple';

test('a postgres addon takes TLS: node-postgres and psycopg connect with sslmode=require', { timeout: 240_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twelve-pg-tls-'));
  const server = new PostgresServer(dataDir, join(dataDir, 'addons', 'postgres'), 15000 + Math.floor(Math.random() * 4000));
  t.after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await server.start();
  const key = statSync(join(dataDir, 'addons', 'postgres', 'server.key'));
  assert.equal(key.mode & 0o777, 0o600, 'PostgreSQL refuses a key others can read');
  if (process.getuid?.() === 0) assert.equal(key.uid, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), 'owned by the server\'s user');
  const { url } = await server.provision('pg-tls', 'pass/word');

  assert.equal(await sslInUse({ connectionString: url, ssl: { rejectUnauthorized: false } }), true, 'ssl: { rejectUnauthorized: false }');
  assert.equal(await sslInUse({ connectionString: `${url}?sslmode=require&uselibpqcompat=true` }), true, '?sslmode=require, as libpq reads it');
  assert.equal(await sslInUse({ connectionString: `${url}?sslmode=no-verify` }), true, '?sslmode=no-verify');
  assert.equal(await sslInUse({ connectionString: url }), false, 'plain, without ssl');
  // node-postgres 8 reads a bare ?sslmode=require as verify-full, against Heroku's certificates as against these.
  await assert.rejects(sslInUse({ connectionString: `${url}?sslmode=require` }), /self-signed certificate/);
  // The certificate names 127.0.0.1: a client that trusts it verifies the server in full.
  const ca = join(dataDir, 'addons', 'postgres', 'server.crt');
  assert.equal(await sslInUse({ connectionString: url, ssl: { ca: readFileSync(ca, 'utf8') } }), true, 'verified against server.crt');

  await t.test('psycopg 3 (libpq) with sslmode=require', { skip: !existsSync(PIP_INDEX) && `no local package mirror at ${PIP_INDEX}` }, () => {
    const venv = join(dataDir, 'venv');
    assert.equal(spawnSync('python3', ['-m', 'venv', venv]).status, 0);
    const pip = spawnSync(join(venv, 'bin', 'pip'), ['install', '-q', '--index-url', `file://${PIP_INDEX}`, 'psycopg[binary]'], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(pip.status, 0, pip.stderr);
    const script = 'import os, psycopg\nwith psycopg.connect(os.environ["DATABASE_URL"] + "?sslmode=require") as c:\n  print(c.execute(os.environ["Q"]).fetchone()[0])';
    const run = spawnSync(join(venv, 'bin', 'python'), ['-c', script], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url, Q: SSL_IN_USE } });
    assert.equal(run.stdout.trim(), 'True', run.stderr);
  });
});
