import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyScript, kubernetesFiles, type KubeObject } from '../../src/export/kubernetes-manifests.js';
import { renderYaml, validateKubeObject } from '../../src/export/kubernetes-validate.js';
import type { ReleasePlan } from '../../src/export/release-plan.js';
import { findSize } from '../../src/run/process-size.js';

const plan: ReleasePlan = {
  app: 'shop', version: 7,
  processTypes: { web: 'node server.js', queue_worker: 'node worker.js' },
  releaseCommand: 'node migrate.js',
  formation: { web: 2, queue_worker: 1 },
  config: { GREETING: 'hi', DATABASE_URL: 'postgres://db/shop' },
  domains: ['shop.example.com'],
  healthcheck: { path: '/up', timeoutMs: 3000, attempts: 4, intervalMs: 2000 },
  bootTimeoutSeconds: 60, stopTimeoutSeconds: 25, localAddonKeys: [],
  stacks: ['node'], sizes: { web: findSize('2x'), queue_worker: findSize('1x'), release: findSize('1x') },
};

test('writes the config Secret, the release Job, a Deployment per type, and the web Service and Ingress, in apply order', () => {
  const files = kubernetesFiles(plan, { image: 'registry.example.com/shop:v7' });
  assert.deepEqual(files.map((file) => `${file.name}: ${file.objects.map((o) => `${o.kind}/${o.metadata.name}`).join()}`), [
    '00-config.yaml: Secret/shop-config-v7',
    '01-release.yaml: Job/shop-release-v7',
    '02-queue-worker.yaml: Deployment/shop-queue-worker',
    '02-web.yaml: Deployment/shop-web',
    '03-web-service.yaml: Service/shop-web',
    '04-web-ingress.yaml: Ingress/shop-web',
  ]);
  for (const file of files) file.objects.forEach(validateKubeObject);
});

test('a web Deployment: replicas from the formation, resources from its size, new pods ready before old ones stop, probes from app.json and the boot timeout', () => {
  const web = kubernetesFiles(plan, { image: 'img:v7' }).find((file) => file.name === '02-web.yaml')!.objects[0]!;
  const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/version': 'v7', 'app.kubernetes.io/managed-by': 'twelve' };
  assert.deepEqual(web, {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'shop-web', labels, annotations: { 'twelve.dev/command': 'node server.js' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 25,
          containers: [{
            name: 'web', image: 'img:v7', args: ['web'],
            env: [
              { name: 'PORT', value: '5000' }, { name: 'DYNO', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'WEB_CONCURRENCY', value: '2' }, { name: 'MEMORY_AVAILABLE', value: '1024' },
            ],
            envFrom: [{ secretRef: { name: 'shop-config-v7' } }],
            resources: { requests: { cpu: '100m', memory: '1024Mi' }, limits: { memory: '2048Mi' } },
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
            ports: [{ name: 'http', containerPort: 5000, protocol: 'TCP' }],
            startupProbe: { httpGet: { path: '/up', port: 'http' }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30 },
            readinessProbe: { httpGet: { path: '/up', port: 'http' }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 4 },
          }],
        },
      },
    },
  });
});

test('--config-from uses the cluster\'s Secret and writes none; without a release command there is no Job', () => {
  const files = kubernetesFiles({ ...plan, releaseCommand: undefined, domains: [] }, { image: 'img', configFrom: 'shop-env' });
  assert.deepEqual(files.map((file) => file.name), ['02-queue-worker.yaml', '02-web.yaml', '03-web-service.yaml']);
  const container = (files[1]!.objects[0] as unknown as { spec: { template: { spec: { containers: Array<{ envFrom: unknown }> } } } }).spec.template.spec.containers[0]!;
  assert.deepEqual(container.envFrom, [{ secretRef: { name: 'shop-env' } }]);
});

test('--tls-secret serves the domains over TLS with the cluster\'s certificate', () => {
  const ingress = kubernetesFiles(plan, { image: 'img', tlsSecret: 'shop-tls' }).find((file) => file.name === '04-web-ingress.yaml')!.objects[0]!;
  validateKubeObject(ingress);
  assert.deepEqual((ingress.spec as { tls: unknown }).tls, [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  const plain = kubernetesFiles(plan, { image: 'img' }).find((file) => file.name === '04-web-ingress.yaml')!.objects[0]!;
  assert.equal((plain.spec as { tls?: unknown }).tls, undefined);
});

test('apply.sh applies the files in order and waits for the release Job before the Deployments', () => {
  const files = kubernetesFiles(plan, { image: 'img' });
  assert.equal(applyScript(plan, files), [
    '#!/bin/sh',
    '# Applies release v7 of shop: twelve export kubernetes wrote this (docs/export.md).',
    'set -e',
    'cd "$(dirname "$0")"',
    'kubectl apply -f 00-config.yaml',
    'kubectl apply -f 01-release.yaml',
    '# The release phase must succeed before any Deployment changes; a failed Job stops here.',
    'kubectl wait --for=condition=complete --timeout=600s job/shop-release-v7',
    'kubectl apply -f 02-queue-worker.yaml',
    'kubectl apply -f 02-web.yaml',
    'kubectl apply -f 03-web-service.yaml',
    'kubectl apply -f 04-web-ingress.yaml',
    '',
  ].join('\n'));
});

test('an object that breaks the Kubernetes schema fails validation', () => {
  const web = kubernetesFiles(plan, { image: 'img' }).find((file) => file.name === '02-web.yaml')!.objects[0]!;
  const broken = structuredClone(web) as KubeObject & { spec: { replicas: unknown } };
  broken.spec.replicas = 'two';
  assert.throws(() => validateKubeObject(broken), /Deployment shop-web does not validate against the Kubernetes API: .*replicas must be integer/);
  const noContainers = structuredClone(web) as KubeObject & { spec: { template: { spec: { containers?: unknown } } } };
  delete noContainers.spec.template.spec.containers;
  assert.throws(() => validateKubeObject(noContainers), /containers/);
  assert.throws(() => validateKubeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }), /no schema for v1 Pod/);
});

test('renders one YAML document per object, without anchors', () => {
  const yaml = renderYaml(kubernetesFiles(plan, { image: 'img' })[3]!.objects);
  assert.doesNotMatch(yaml, /[&*]a\d/);
  assert.match(yaml, /^apiVersion: apps\/v1\nkind: Deployment\n/);
});
