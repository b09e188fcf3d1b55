/**
 * Every exported object is checked against the Kubernetes API's own schemas before it is written
 * (kubernetes-models with @kubernetes-models/validate, pinned in package.json), and rendered as YAML.
 * Both are loaded on the first export, not with twelve: kubernetes-models alone is about 600 files and
 * 38 MB of resident memory (docs/memory.md).
 */
import { createRequire } from 'node:module';
import { errorText, TwelveError } from '../errors.js';
import type { KubeObject } from './kubernetes-manifests.js';

type Model = new (data: never) => { validate(): void };

const require = createRequire(import.meta.url);
let models: Record<string, Model> | null = null;

function modelsByKind(): Record<string, Model> {
  models ??= {
    'apps/v1/Deployment': (require('kubernetes-models/apps/v1') as typeof import('kubernetes-models/apps/v1')).Deployment,
    'batch/v1/Job': (require('kubernetes-models/batch/v1') as typeof import('kubernetes-models/batch/v1')).Job,
    'networking.k8s.io/v1/Ingress': (require('kubernetes-models/networking.k8s.io/v1') as typeof import('kubernetes-models/networking.k8s.io/v1')).Ingress,
    'v1/Secret': (require('kubernetes-models/v1') as typeof import('kubernetes-models/v1')).Secret,
    'v1/Service': (require('kubernetes-models/v1') as typeof import('kubernetes-models/v1')).Service,
  };
  return models;
}

/** Throws EXPORT_FAILED naming the object and the schema's complaint when the object does not validate. */
export function validateKubeObject(object: KubeObject): void {
  const Model = modelsByKind()[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new TwelveError('EXPORT_FAILED', `no schema for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new TwelveError('EXPORT_FAILED', `${object.kind} ${object.metadata.name} does not validate against the Kubernetes API: ${errorText(error)}`);
  }
}

/** One YAML document per object, `---` between them. */
export function renderYaml(objects: KubeObject[]): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  return objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
