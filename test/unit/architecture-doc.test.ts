import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MIGRATIONS } from '../../src/store/migrations.js';

test('lists every table of the store in docs/architecture.md', () => {
  const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
  const tables = ['schema_migrations', ...MIGRATIONS.flatMap((migration) => [...migration.sql.matchAll(/CREATE TABLE (\w+)/g)].map((match) => match[1]!))];
  assert.ok(tables.length >= 19);
  for (const table of tables) assert.ok(doc.includes(`\`${table}\``), `${table} is missing from docs/architecture.md`);
});
