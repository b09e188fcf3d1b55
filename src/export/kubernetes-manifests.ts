/**
 * A release as Kubernetes objects, built from the release plan alone (no I/O), in the order they are
 * applied: the config Secret, the release phase's Job, then a Deployment per process type and, for
 * web, a Service and an Ingress. The Secret and the Job are named after the release, so a new release
 * makes new ones and the Deployments roll to it as twelve's releases do.
 */
import { APP_USER, DEFAULT_PORT } from './image-config.js';
import { type ReleasePlan, sizeEnv } from './release-plan.js';

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export interface KubeFile { name: string; objects: KubeObject[] }

export interface KubeOptions {
  /** The image the pods run, e.g. registry.example.com/shop:v3. */
  image: string;
  /** A Secret the cluster already has, used instead of exporting the config. */
  configFrom?: string;
  /** A kubernetes.io/tls Secret of the cluster for the Ingress's hosts (twelve keeps no certificates to export). */
  tlsSecret?: string;
}

/**
 * A process size as resources: its memory is requested, and the limit is twice it, where twelve (as
 * Heroku's R15) kills a process; CPU is a small request without a limit, as twelve sets none.
 */
export function resources(plan: ReleasePlan, type: string): Record<string, unknown> {
  const memoryMb = plan.sizes[type]?.memoryMb ?? 512;
  return { requests: { cpu: '100m', memory: `${memoryMb}Mi` }, limits: { memory: `${memoryMb * 2}Mi` } };
}

/** A Procfile type as a DNS label: `web`, `my_worker` -> `my-worker`. */
export function kubeName(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'process';
}

function labels(plan: ReleasePlan, component?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': plan.app,
    ...(component === undefined ? {} : { 'app.kubernetes.io/component': component }),
    'app.kubernetes.io/version': `v${plan.version}`,
    'app.kubernetes.io/managed-by': 'twelve',
  };
}

export function configSecretName(plan: ReleasePlan, options: KubeOptions): string {
  return options.configFrom ?? `${plan.app}-config-v${plan.version}`;
}

function container(plan: ReleasePlan, options: KubeOptions, type: string, args: string[]): Record<string, unknown> {
  return {
    name: kubeName(type),
    image: options.image,
    args,
    // DYNO names the process, as twelve's web.1 does: here the pod's own name.
    env: [
      { name: 'PORT', value: String(DEFAULT_PORT) },
      { name: 'DYNO', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...Object.entries(sizeEnv(plan, type)).map(([name, value]) => ({ name, value })),
    ],
    envFrom: [{ secretRef: { name: configSecretName(plan, options) } }],
    resources: resources(plan, type),
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: APP_USER.uid, runAsGroup: APP_USER.gid },
  };
}

/** twelve's up check: the health check when app.json declares one, else the port accepting connections. */
function webProbes(plan: ReleasePlan): Record<string, unknown> {
  const check = plan.healthcheck;
  const handler = check ? { httpGet: { path: check.path, port: 'http' } } : { tcpSocket: { port: 'http' } };
  const period = check ? Math.max(1, Math.round(check.intervalMs / 1000)) : 1;
  const timeout = check ? Math.max(1, Math.round(check.timeoutMs / 1000)) : 1;
  return {
    ports: [{ name: 'http', containerPort: DEFAULT_PORT, protocol: 'TCP' }],
    // Boot timeout: the pod has this long to pass its first check, as a new twelve process does.
    startupProbe: { ...handler, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: Math.max(1, Math.ceil(plan.bootTimeoutSeconds / period)) },
    readinessProbe: { ...handler, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: check?.attempts ?? 3 },
  };
}

function deployment(plan: ReleasePlan, options: KubeOptions, type: string): KubeObject {
  const name = `${plan.app}-${kubeName(type)}`;
  const selector = { 'app.kubernetes.io/name': plan.app, 'app.kubernetes.io/component': kubeName(type) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(plan, kubeName(type)), annotations: { 'twelve.dev/command': plan.processTypes[type]! } },
    spec: {
      replicas: plan.formation[type] ?? 0,
      selector: { matchLabels: selector },
      // twelve's rule: new processes are up before old ones stop.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(plan, kubeName(type)) },
        spec: {
          terminationGracePeriodSeconds: plan.stopTimeoutSeconds,
          containers: [{ ...container(plan, options, type, [type]), ...(type === 'web' ? webProbes(plan) : {}) }],
        },
      },
    },
  };
}

function releaseJob(plan: ReleasePlan, options: KubeOptions): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${plan.app}-release-v${plan.version}`, labels: labels(plan, 'release') },
    spec: {
      // A failed release command refuses the release, as in twelve: it is not retried.
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(plan, 'release') },
        spec: { restartPolicy: 'Never', containers: [container(plan, options, 'release', ['release'])] },
      },
    },
  };
}

function webService(plan: ReleasePlan): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${plan.app}-web`, labels: labels(plan, 'web') },
    spec: {
      selector: { 'app.kubernetes.io/name': plan.app, 'app.kubernetes.io/component': 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

function webIngress(plan: ReleasePlan, options: KubeOptions): KubeObject {
  const backend = { service: { name: `${plan.app}-web`, port: { name: 'http' } } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `${plan.app}-web`, labels: labels(plan, 'web') },
    spec: {
      ...(options.tlsSecret === undefined ? {} : { tls: [{ hosts: plan.domains, secretName: options.tlsSecret }] }),
      rules: plan.domains.map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })),
    },
  };
}

function configSecret(plan: ReleasePlan, options: KubeOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: configSecretName(plan, options), labels: labels(plan) },
    type: 'Opaque',
    // A release's config never changes: the next release brings a Secret of its own.
    immutable: true,
    stringData: Object.fromEntries(Object.keys(plan.config).sort().map((key) => [key, plan.config[key]!])),
  };
}

/** The files to apply, in order: 00-config, 01-release (then wait for it), 02-TYPE..., 03-web-service, 04-web-ingress. */
export function kubernetesFiles(plan: ReleasePlan, options: KubeOptions): KubeFile[] {
  const files: KubeFile[] = [];
  if (options.configFrom === undefined) files.push({ name: '00-config.yaml', objects: [configSecret(plan, options)] });
  if (plan.releaseCommand !== undefined) files.push({ name: '01-release.yaml', objects: [releaseJob(plan, options)] });
  for (const type of Object.keys(plan.processTypes).sort()) files.push({ name: `02-${kubeName(type)}.yaml`, objects: [deployment(plan, options, type)] });
  if (plan.processTypes.web !== undefined) {
    files.push({ name: '03-web-service.yaml', objects: [webService(plan)] });
    if (plan.domains.length > 0) files.push({ name: '04-web-ingress.yaml', objects: [webIngress(plan, options)] });
  }
  return files;
}

/** apply.sh: the files in order, waiting for the release phase's Job to succeed before the Deployments change. */
export function applyScript(plan: ReleasePlan, files: KubeFile[]): string {
  const lines = ['#!/bin/sh', `# Applies release v${plan.version} of ${plan.app}: twelve export kubernetes wrote this (docs/export.md).`, 'set -e', 'cd "$(dirname "$0")"'];
  for (const file of files) {
    lines.push(`kubectl apply -f ${file.name}`);
    if (file.name === '01-release.yaml') {
      const job = file.objects[0]!.metadata.name;
      lines.push(`# The release phase must succeed before any Deployment changes; a failed Job stops here.`);
      lines.push(`kubectl wait --for=condition=complete --timeout=${Math.max(plan.bootTimeoutSeconds, 60) * 10}s job/${job}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
