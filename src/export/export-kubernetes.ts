/** `twelve export kubernetes`, on the platform's side: the release plan as validated YAML files and apply.sh. */
import { applyScript, kubernetesFiles, type KubeOptions } from './kubernetes-manifests.js';
import { renderYaml, validateKubeObject } from './kubernetes-validate.js';
import { localAddonWarnings, type ReleasePlan } from './release-plan.js';

/** A file an export writes: its name in the destination directory, its text and mode. */
export interface ExportedFile { name: string; content: string; mode: number }

export function exportKubernetes(plan: ReleasePlan, options: KubeOptions): { files: ExportedFile[]; warnings: string[] } {
  const files = kubernetesFiles(plan, options);
  for (const file of files) file.objects.forEach(validateKubeObject);
  const warnings = localAddonWarnings(plan);
  if (options.configFrom === undefined && Object.keys(plan.config).length > 0) {
    warnings.push('00-config.yaml holds the release\'s config in clear text: keep it out of version control, or export with --config-from SECRET');
  }
  return {
    files: [
      ...files.map((file) => ({ name: file.name, content: renderYaml(file.objects), mode: file.name === '00-config.yaml' ? 0o600 : 0o644 })),
      { name: 'apply.sh', content: applyScript(plan, files), mode: 0o755 },
    ],
    warnings,
  };
}
