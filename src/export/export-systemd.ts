/** `twelve export systemd`, on the platform's side: the units, the EnvironmentFile and install.sh (the rootfs tarball comes from the image route). */
import type { ExportedFile } from './export-kubernetes.js';
import { localAddonWarnings, type ReleasePlan } from './release-plan.js';
import { environmentFile, installScript, processUnit, releaseUnit, systemdLayout, targetUnit, unitName } from './systemd-units.js';

export function exportSystemd(plan: ReleasePlan, manifestPath: string[]): { files: ExportedFile[]; tarball: string; warnings: string[] } {
  const layout = systemdLayout(plan, manifestPath);
  const units: ExportedFile[] = Object.keys(plan.processTypes).sort()
    .map((type) => ({ name: unitName(plan, type), content: processUnit(plan, layout, type), mode: 0o644 }));
  if (plan.releaseCommand !== undefined) units.push({ name: `${plan.app}-release.service`, content: releaseUnit(plan, layout), mode: 0o644 });
  units.push({ name: `${plan.app}.target`, content: targetUnit(plan), mode: 0o644 });
  return {
    files: [
      ...units,
      { name: `${plan.app}.env`, content: environmentFile(plan.config), mode: 0o600 },
      { name: 'install.sh', content: installScript(plan, layout, units.map((unit) => unit.name)), mode: 0o755 },
    ],
    tarball: layout.tarball,
    warnings: localAddonWarnings(plan),
  };
}
