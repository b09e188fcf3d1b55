/** Pure renderers for the pipelines and builds commands. */
import type { BuildListView, PipelineInfoView, RunningBuildView } from '../api/types.js';
import { alignColumns, formatDateTime } from './format.js';

function short(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '-';
}

export function runningRow(running: RunningBuildView): string[] {
  return [running.app, running.release === null ? '(not deployed)' : `v${running.release}`,
    running.buildId ? `build ${running.buildId}` : '', running.sourceSha ? `commit ${short(running.sourceSha)}` : ''];
}

export function renderPipeline(info: PipelineInfoView): string {
  const rows = info.stages.flatMap(({ stage, apps }) => (apps.length === 0
    ? [[stage, '(no apps)', '', '', '']]
    : apps.map((running, index) => [index === 0 ? stage : '', ...runningRow(running)])));
  return `=== ${info.name}\n${alignColumns(rows)}`;
}

/** 1536 -> `1.5 KB`, 10485760 -> `10.0 MB` */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function renderBuilds(app: string, builds: BuildListView[], keep: number): string {
  if (builds.length === 0) return `${app} has no builds yet. Deploy with \`twelve deploy -a ${app}\`.`;
  const rows = builds.map((build) => {
    const state = build.removedAt ? 'removed' : build.status === 'succeeded' ? (build.inUse ? 'running' : '') : build.status;
    return [build.id, formatSize(build.size), state, build.promotedFrom ? `promoted from ${build.promotedFrom}` : '',
      build.sourceSha ? short(build.sourceSha) : '', formatDateTime(build.createdAt)];
  });
  return `=== ${app} Builds (keeps the last ${keep})\n${alignColumns(rows)}`;
}
