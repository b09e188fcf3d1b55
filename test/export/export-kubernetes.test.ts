import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { TestPlatform, waitFor } from '../e2e/harness.js';
import { httpGet, NODE_APP, writeApp } from './apps.js';
import { Podman, PODMAN_MISSING } from './podman.js';

interface Written { app: string; release: number; files: Array<{ path: string; sha256: string }>; warnings: string[] }

/** podman 4.3's kube play publishes a containerPort on the same host port: 5000 must be free. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '0.0.0.0', () => server.close(() => done(true)));
  });
}

describe('twelve export kubernetes', () => {
  const platform = new TestPlatform();
  const podman = new Podman();

  before(async () => {
    await platform.start();
    await platform.ok('apps:create', 'kube');
    await platform.ok('deploy', writeApp(NODE_APP), '-a', 'kube');
    await platform.ok('config:set', 'GREETING=from-secret', '-a', 'kube');
    await platform.ok('domains:add', 'kube.example.com', '-a', 'kube');
    await platform.ok('ps:scale', 'worker=2', '-a', 'kube');
  });
  after(async () => {
    await platform.dispose();
    await podman.dispose();
  });

  test('writes ordered manifests with digests, the config Secret 0600, and apply.sh', async () => {
    const dir = join(podman.dir, 'manifests');
    const written = await platform.json<Written>('export', 'kubernetes', '-a', 'kube', '-o', dir);
    assert.deepEqual(written.files.map((file) => file.path.slice(dir.length + 1)),
      ['00-config.yaml', '01-release.yaml', '02-web.yaml', '02-worker.yaml', '03-web-service.yaml', '04-web-ingress.yaml', 'apply.sh']);
    assert.ok(written.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256)));
    assert.equal(statSync(join(dir, '00-config.yaml')).mode & 0o777, 0o600);
    const secret = parse(readFileSync(join(dir, '00-config.yaml'), 'utf8')) as { metadata: { name: string }; stringData: Record<string, string> };
    assert.deepEqual(secret.stringData, { GREETING: 'from-secret' });
    const worker = parse(readFileSync(join(dir, '02-worker.yaml'), 'utf8')) as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string; envFrom: unknown }> } } } };
    assert.equal(worker.spec.replicas, 2);
    assert.equal(worker.spec.template.spec.containers[0]!.image, 'kube:v2');
    const ingress = parse(readFileSync(join(dir, '04-web-ingress.yaml'), 'utf8')) as { spec: { rules: Array<{ host: string }> } };
    assert.deepEqual(ingress.spec.rules.map((rule) => rule.host), ['kube.example.com']);
    assert.match(readFileSync(join(dir, 'apply.sh'), 'utf8'), /kubectl apply -f 01-release.yaml\n.*\nkubectl wait --for=condition=complete --timeout=\d+s job\/kube-release-v2\n/);
  });

  test('without -o prints the YAML stream; --config-from names the cluster\'s Secret', async () => {
    const { stdout } = await platform.ok('export', 'kubernetes', '-a', 'kube', '--config-from', 'kube-env', '--image', 'registry.example.com/kube:v2');
    assert.doesNotMatch(stdout, /kind: Secret/);
    assert.match(stdout, /name: kube-env/);
    assert.match(stdout, /image: registry.example.com\/kube:v2/);
  });

  test('refuses what cannot be exported, in the catalogue\'s words', async () => {
    const badSecret = await platform.cli('export', 'kubernetes', '-a', 'kube', '--config-from', 'Not_A_Name');
    assert.equal(badSecret.code, 1);
    assert.match(badSecret.stderr, /--config-from Not_A_Name is not a Secret's name/);
    await platform.ok('apps:create', 'empty');
    const noRelease = await platform.cli('export', 'systemd', '-a', 'empty', '-o', join(podman.dir, 'empty'));
    assert.equal(noRelease.code, 1);
    assert.match(noRelease.stderr, /empty has no release to export/);
    const badRelease = await platform.cli('export', 'image', '-a', 'kube', '--release', 'v99', '-o', join(podman.dir, 'v99.tar'));
    assert.match(badRelease.stderr, /no release v99/);
  });

  test('podman kube play runs the exported web Deployment with the exported image and it answers HTTP', { skip: PODMAN_MISSING }, async (t) => {
    if (!(await portFree(5000))) {
      t.skip('port 5000 is taken, and podman 4.3 kube play publishes the containerPort there');
      return;
    }
    const dir = join(podman.dir, 'play');
    await platform.ok('export', 'kubernetes', '-a', 'kube', '-o', dir);
    await platform.ok('export', 'image', '-a', 'kube', '-o', join(podman.dir, 'kube.tar'));
    await podman.ok(['load', '--input', join(podman.dir, 'kube.tar')]);
    // podman 4.3 cannot use a Secret it read from YAML (containers/podman#17071): the exported
    // Secret's values become a podman secret of the same name, in the form kube play reads.
    const secret = parse(readFileSync(join(dir, '00-config.yaml'), 'utf8')) as { metadata: { name: string }; stringData: Record<string, string> };
    const data = Object.fromEntries(Object.entries(secret.stringData).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
    const secretFile = join(podman.dir, 'secret.json');
    writeFileSync(secretFile, JSON.stringify(data));
    await podman.ok(['secret', 'create', secret.metadata.name, secretFile]);
    await podman.ok(['kube', 'play', join(dir, '02-web.yaml')]);
    try {
      const ip = (await podman.ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'kube-web-pod-0-web'])).trim()
        || (await podman.ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'kube-web-pod-0'])).trim();
      const host = /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : '127.0.0.1';
      const answer = await waitFor('the pod to answer', () => httpGet(`http://${host}:5000/`).catch(() => undefined), 30_000, 200);
      assert.match(answer.body, /^hello from-secret uid=1000 dyno=kube-web-pod-0/);
    } finally {
      await podman.run(['kube', 'down', join(dir, '02-web.yaml')]);
    }
  });
});
