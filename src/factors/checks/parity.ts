/** X. Dev/prod parity: the same backing services in development as in production. */
import type { Codebase } from '../codebase-scan.js';
import { importsAny } from '../facts.js';
import { finding, type Check } from './check.js';

interface Use { file: string; line: number }

const DATABASES: Array<{ name: string; modules: string[]; literal: RegExp }> = [
  { name: 'SQLite', modules: ['better-sqlite3', 'sqlite3', 'sqlite', 'node:sqlite', 'aiosqlite'], literal: /^sqlite:|backends\.sqlite3$/ },
  { name: 'PostgreSQL', modules: ['pg', 'postgres', 'pg-promise', 'psycopg2', 'psycopg', 'asyncpg'], literal: /^postgres(ql)?(\+\w+)?:|backends\.postgresql/ },
  { name: 'MySQL', modules: ['mysql', 'mysql2', 'pymysql', 'MySQLdb', 'mysqlclient'], literal: /^mysql(\+\w+)?:|backends\.mysql$/ },
];

function uses(codebase: Codebase, database: (typeof DATABASES)[number]): Use | undefined {
  for (const source of codebase.sources) {
    // Python's sqlite3 ships with the interpreter: it counts as a database only when the code connects with it.
    const imported = source.imports.find((entry) => database.modules.includes(entry.module) && !(source.language === 'py' && entry.module === 'sqlite3'));
    if (imported) return { file: source.file, line: imported.line };
    if (source.language === 'py' && database.name === 'SQLite' && importsAny(source, ['sqlite3'])) {
      const connect = source.calls.find((call) => call.callee === 'sqlite3.connect');
      if (connect) return { file: source.file, line: connect.line };
    }
    const literal = source.literals.find((entry) => database.literal.test(entry.value));
    if (literal) return { file: source.file, line: literal.line };
  }
  return undefined;
}

export const parityCheck: Check = {
  factor: 10,
  run(codebase) {
    const found = DATABASES.map((database) => ({ name: database.name, use: uses(codebase, database) })).filter((entry) => entry.use);
    if (found.length === 0) return [];
    if (found.length === 1) return [finding('pass', 'same-services', `one database in the code: ${found[0]!.name}`, found[0]!.use)];
    // SQLite (first in DATABASES) is the one that stands in for the other in development: point at it.
    const [first, second] = found as [{ name: string; use: Use }, { name: string; use: Use }];
    return [finding('fail', 'same-services', `${first.name} here and ${second.name} at ${second.use.file}:${second.use.line}: development and production likely run different databases`,
      first.use, `Run ${second.name} in development too (\`twelve addons:create\` gives an app its own); \`twelve parity APP_A APP_B\` compares two deployed apps.`)];
  },
};
