/**
 * A small SQL database the tests run as a backing service, attached to apps by URL (factor IV): POST
 * /NAME with {"sql", "script"?} runs it against the SQLite file NAME.sqlite in `dir`, in one transaction,
 * and answers {"rows"} or {"error"}. Sandboxed apps cannot open a file of the test's; they reach this.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorText } from '../../src/errors.js';

export interface SqlService {
  /** The URL an app gets as DATABASE_URL. */
  url(name: string): string;
  /** The database file, for the test to read. */
  path(name: string): string;
  close(): Promise<void>;
}

export async function startSqlService(dir: string): Promise<SqlService> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      const name = (req.url ?? '/').slice(1).replace(/[^a-z0-9-]/g, '');
      let answer: unknown;
      const db = new Database(join(dir, `${name}.sqlite`));
      try {
        const { sql, script } = JSON.parse(body) as { sql: string; script?: boolean };
        answer = db.transaction(() => {
          if (script) {
            db.exec(sql);
            return { rows: [] };
          }
          const statement = db.prepare(sql);
          return { rows: statement.reader ? statement.raw().all() : (statement.run(), []) };
        })();
      } catch (error) {
        answer = { error: errorText(error) };
      } finally {
        db.close();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    path: (name) => join(dir, `${name}.sqlite`),
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}
