/**
 * Every exported object is checked against the Kubernetes API's own schemas before it is written
 * (kubernetes-models with @kubernetes-models/validate, pinned in package.json), and rendered as YAML.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { errorText, TwelveError } from '../errors.js';
import type { KubeObject } from './kubernetes-manifests.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

/** Throws EXPORT_FAILED naming the object and the schema's complaint when the object does not validate. */
export function validateKubeObject(object: KubeObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new TwelveError('EXPORT_FAILED', `no schema for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new TwelveError('EXPORT_FAILED', `${object.kind} ${object.metadata.name} does not validate against the Kubernetes API: ${errorText(error)}`);
  }
}

/** One YAML document per object, `---` between them. */
export function renderYaml(objects: KubeObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
