import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cycles, layerViolations, readImports, SRC_DIR, type Import } from './import-graph.js';
import { LAYERS } from './layers.js';

const units = LAYERS.map((layer) => layer.units);
const imports = readImports(SRC_DIR);

test('src/ imports only from lower layers (test/architecture/layers.ts)', () => {
  const messages = layerViolations(imports, units);
  assert.deepEqual(messages, [], `imports that break the layers (docs/architecture.md#layers):\n${messages.join('\n')}`);
});

test('no two folders of src/ import each other, directly or around a cycle', () => {
  const found = cycles(imports, 'folders');
  assert.deepEqual(found, [], found.join('\n'));
});

test('no two files of src/ import each other, directly or around a cycle', () => {
  const found = cycles(imports, 'files');
  assert.deepEqual(found, [], found.join('\n'));
});

test('every relative import of src/ names a .ts file of src/, so the checks see every edge', () => {
  const unresolved = imports.filter((i) => !existsSync(`${SRC_DIR}/${i.to}`)).map((i) => `src/${i.from}:${i.line} imports ${i.to}`);
  assert.deepEqual(unresolved, []);
});

test('docs/architecture.md shows the layers as declared', () => {
  const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
  LAYERS.forEach((layer, index) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| ${index + 1} | ${layer.name} |`));
    assert.ok(row, `docs/architecture.md has no row "| ${index + 1} | ${layer.name} |" in its table of layers`);
    for (const unit of layer.units) assert.ok(row.includes(`\`${unit}\``), `docs/architecture.md's layer ${index + 1} does not list \`${unit}\``);
  });
});

// The checks themselves, on a small made-up graph.
const imp = (from: string, to: string, line = 1): Import => ({ from, to, line });

test('an import of a higher layer is named with its file and line', () => {
  const messages = layerViolations([imp('store/sealing.ts', 'config/secret-box.ts', 7), imp('config/rules.ts', 'store/apps.ts')], [['store/'], ['config/']]);
  assert.deepEqual(messages, ['src/store/sealing.ts:7 imports src/config/secret-box.ts: store/ (layer 1) may not import config/ (layer 2, above it)']);
});

test('peers of one layer may not import each other; a unit in no layer is named', () => {
  const messages = layerViolations([imp('build/a.ts', 'run/b.ts'), imp('build/a.ts', 'errors.ts'), imp('build/a.ts', 'build/c.ts')], [['errors.ts'], ['build/', 'run/']]);
  assert.deepEqual(messages, ['src/build/a.ts:1 imports src/run/b.ts: build/ and run/ are peers in layer 2 and may not import each other']);
  const unplaced = layerViolations([imp('flows/x.ts', 'errors.ts')], [['errors.ts']]);
  assert.deepEqual(unplaced, ['src/flows/ is in no layer: place it in test/architecture/layers.ts and in docs/architecture.md\'s table']);
});

test('a cycle between folders is told by the imports that close it', () => {
  const graph = [imp('config/change.ts', 'release/go-live.ts', 3), imp('release/go-live.ts', 'config/release-config.ts', 9), imp('release/go-live.ts', 'store/apps.ts')];
  assert.deepEqual(cycles(graph, 'folders'), [
    'folder cycle config/ -> release/ -> config/: src/config/change.ts:3 imports src/release/go-live.ts; src/release/go-live.ts:9 imports src/config/release-config.ts',
  ]);
  assert.deepEqual(cycles(graph, 'files'), []);
});

test('a cycle among files, however long, is found; a chain is not a cycle', () => {
  const graph = [imp('logs/bus.ts', 'logs/reader.ts'), imp('logs/reader.ts', 'logs/store.ts', 2), imp('logs/store.ts', 'logs/bus.ts', 4), imp('logs/x.ts', 'logs/bus.ts')];
  assert.deepEqual(cycles(graph, 'files'), [
    'file cycle logs/bus.ts -> logs/reader.ts -> logs/store.ts -> logs/bus.ts: src/logs/bus.ts:1 imports src/logs/reader.ts; src/logs/reader.ts:2 imports src/logs/store.ts; src/logs/store.ts:4 imports src/logs/bus.ts',
  ]);
  assert.deepEqual(cycles(graph, 'folders'), []);
  assert.deepEqual(cycles([imp('a.ts', 'b.ts'), imp('b.ts', 'c.ts')], 'files'), []);
});

test('reads static, type-only, re-exported and dynamic imports with their lines', () => {
  // cli/main.ts loads its commands with import().
  assert.ok(imports.some((i) => i.from === 'cli/main.ts' && i.to === 'cli/commands/deploy.ts'));
  const typeOnly = imports.find((i) => i.from === 'api/server.ts' && i.to === 'telemetry/telemetry.ts');
  assert.ok(typeOnly, 'import type counts');
  const line = readFileSync(`${SRC_DIR}/api/server.ts`, 'utf8').split('\n')[typeOnly.line - 1]!;
  assert.match(line, /telemetry\/telemetry\.js/);
});
