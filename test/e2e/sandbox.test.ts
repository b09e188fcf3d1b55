/**
 * A hostile app, deployed as any user would deploy it: its build script and its web processes try every
 * read, signal and escape the sandbox must stop (test/fixtures/apps/hostile/probe.js), while another app
 * runs beside it untouched.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, sandboxSkip } from './harness.js';

type Probe = Record<string, string | number | string[] | null>;
interface Proc { name: string; pid: number }

const skip = sandboxSkip();
const platform = new TestPlatform({ SERVE_MARKER: 'twelve-serve-environment' });

before(async () => {
  if (!skip) await platform.start();
});
after(() => platform.dispose());

function assertContained(probe: Probe, where: string): void {
  assert.notEqual(probe.uid, 0, `${where} runs as root`);
  assert.equal(probe.capEff, '0000000000000000', `${where} has capabilities`);
  assert.equal(probe.noNewPrivs, '1', `${where} can gain privileges`);
  assert.equal(probe.home, '/app');
  assert.equal(probe.cwd, '/app');
  assert.equal(probe.sawMarker, null, `${where} saw twelve's own environment`);
  assert.deepEqual(probe.sawToken, [], `${where} saw twelve's API token`);
  assert.ok(Number(probe.pidsVisible) < 10, `${where} sees ${probe.pidsVisible} processes`);
  for (const attempt of ['shadow', 'secretKey', 'apiToken', 'database', 'dataDirListing', 'rootHome', 'twelveEnviron',
    'otherAppFile', 'otherAppEnviron', 'signalOtherApp', 'killTwelve', 'writeSystem']) {
    assert.match(String(probe[attempt]), /^blocked/, `${where}: ${attempt} ${probe[attempt]}`);
  }
}

test('a hostile app can read, signal or escape nothing, at build time or at run time, and the app beside it keeps serving', { skip }, async () => {
  await platform.ok('apps:create', 'victim');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'victim');
  const [victim] = await platform.json<Proc[]>('ps', '-a', 'victim');
  const [victimBuild] = await platform.json<Array<{ id: string }>>('builds', '-a', 'victim');
  const targets = {
    dataDir: platform.dataDir, twelvePid: platform.process!.pid, victimPid: victim!.pid,
    victimFile: join(platform.dataDir, 'apps', 'victim', 'builds', victimBuild!.id, 'app', 'server.js'),
  };

  await platform.ok('apps:create', 'hostile');
  await platform.ok('config:set', `TARGETS=${JSON.stringify(targets)}`, '-a', 'hostile');
  const deployed = await platform.ok('deploy', copyFixture('hostile'), '-a', 'hostile');
  const line = /PROBE (\{.*\})/.exec(deployed.stdout);
  assert.ok(line, `the build script's probe printed nothing:\n${deployed.stdout}`);
  assertContained(JSON.parse(line[1]!) as Probe, 'the build');

  await platform.ok('ps:scale', 'web=2', '-a', 'hostile');
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i += 1) {
    const probe = JSON.parse((await platform.get('hostile')).body) as Probe;
    assertContained(probe, 'a web process');
    // Each process has its own /app: it finds what the build wrote there, or what it wrote itself.
    assert.ok(['build', probe.dyno].includes(String(probe.appFileBefore)), `${probe.dyno} found ${probe.appFileBefore} in /app`);
    seen.add(String(probe.dyno));
  }
  const hostileBuild = (await platform.json<Array<{ id: string }>>('builds', '-a', 'hostile'))[0]!;
  const builtFile = join(platform.dataDir, 'apps', 'hostile', 'builds', hostileBuild.id, 'app', 'written-by-probe');
  assert.equal(readFileSync(builtFile, 'utf8'), 'build\n', 'what the processes wrote into /app reached the build');

  assert.equal((await platform.get('victim')).status, 200, 'the other app stopped serving');
  assert.equal(platform.process!.exitCode, null, 'twelve died');
  assert.ok(existsSync(targets.victimFile));
});
