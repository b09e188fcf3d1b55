/**
 * What builds and processes see (docs/environment.md): the app's config in the build and nothing of
 * twelve's, .profile.d in every process, a private /app per process that starts from the build every
 * time, and Python's output unbuffered.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, waitFor, sandboxSkip } from './harness.js';

interface Seen { dyno: string; profile: string | null; nodeEnv: string; before: string | null }

const sandboxed = sandboxSkip() === false;
const platform = new TestPlatform({ SERVE_MARKER: 'from-twelve-serve' });
let deployOutput = '';

before(async () => {
  await platform.start();
  await platform.ok('apps:create', 'probe');
  await platform.ok('config:set', 'BUILD_GREETING=hello-build', 'NPM_CONFIG_LEGACY_PEER_DEPS=true', '-a', 'probe');
  deployOutput = (await platform.ok('deploy', copyFixture('env-probe'), '-a', 'probe')).stdout;
});
after(() => platform.dispose());

async function seen(): Promise<Seen> {
  return JSON.parse((await platform.get('probe')).body) as Seen;
}

test('a build sees the app\'s config (npm reads NPM_CONFIG_* from it) and none of twelve\'s environment', () => {
  const home = sandboxed ? '/app' : '[^ ]+';
  assert.match(deployOutput, new RegExp(`BUILD SAW greeting=hello-build home=${home} marker=unset legacy_peer_deps=true`));
});

test('every process sources .profile.d first: the formation, the release command and a one-off', async () => {
  assert.equal((await seen()).profile, 'set-by-profile-d');
  assert.equal((await seen()).nodeEnv, 'production');
  assert.match(deployOutput, /RELEASE SAW profile=set-by-profile-d/);
  const run = await platform.ok('run', '-a', 'probe', '--', 'echo one-off saw $FROM_PROFILE');
  assert.match(run.stdout, /one-off saw set-by-profile-d/);
});

test('each process has its own /app, thrown away when it exits: a restart and a one-off start from the build', { skip: sandboxed ? false : 'needs the sandbox' }, async () => {
  await platform.ok('ps:scale', 'web=2', '-a', 'probe');
  const byDyno = new Map<string, Seen[]>();
  for (let i = 0; i < 60 && ((byDyno.get('web.1')?.length ?? 0) < 2 || (byDyno.get('web.2')?.length ?? 0) < 2); i += 1) {
    const answer = await seen();
    byDyno.set(answer.dyno, [...(byDyno.get(answer.dyno) ?? []), answer]);
  }
  assert.equal(byDyno.size, 2);
  for (const [dyno, answers] of byDyno) {
    // What a process finds in /app/scratch is nothing, or what it wrote itself: never another process's file.
    for (const answer of answers) assert.ok(answer.before === null || answer.before === dyno, `${dyno} saw ${answer.before}'s file`);
    assert.equal(answers.at(-1)!.before, dyno);
  }
  const oneOff = await platform.ok('run', '-a', 'probe', '--', 'cat /app/scratch 2>/dev/null || echo no scratch here');
  assert.match(oneOff.stdout, /no scratch here/);
  await platform.ok('ps:restart', '-a', 'probe');
  // The first answer of each restarted process finds no file: it starts from the build.
  const firsts = new Map<string, Seen>();
  for (let i = 0; i < 60 && firsts.size < 2; i += 1) {
    const answer = await seen();
    if (!firsts.has(answer.dyno)) firsts.set(answer.dyno, answer);
  }
  for (const [dyno, answer] of firsts) assert.equal(answer.before, null, `${dyno} kept its file across a restart`);
});

test('a Python app\'s plain print() lines reach the log while it runs', async () => {
  await platform.ok('apps:create', 'pyprint');
  await platform.ok('deploy', copyFixture('python-print'), '-a', 'pyprint');
  await waitFor('the boot prints in the log', async () => {
    const logs = (await platform.ok('logs', '-a', 'pyprint', '-n', '100')).stdout;
    return /python says hello at boot/.test(logs) && /unbuffered=true pythonpath=\/app|unbuffered=true pythonpath=\//.test(logs) || undefined;
  }, 10_000, 200);
});
