/** Deploys' metrics: build and release durations by result, boot times, rollbacks (deploy-counters.ts). */
import type { Registry } from 'prom-client';
import type { DeployCounters, LabeledHistograms } from './deploy-counters.js';
import { histogramValues, registerRaw } from './raw-metric.js';

function histograms(name: string, series: LabeledHistograms, labelNames: [string, string]) {
  return () => [...series.series.values()].flatMap(({ labels, histogram }) =>
    histogramValues(name, { [labelNames[0]]: labels[0]!, [labelNames[1]]: labels[1]! }, histogram));
}

export function registerDeployMetrics(registry: Registry, deploys: DeployCounters): void {
  registerRaw(registry, {
    name: 'twelve_build_duration_seconds', help: 'How long builds took, by result, in seconds.', type: 'histogram',
    collect: histograms('twelve_build_duration_seconds', deploys.builds, ['app', 'result']),
  });
  registerRaw(registry, {
    name: 'twelve_release_duration_seconds', help: 'How long releases took from their row to live (release phase, boot, switch) or refused, by result, in seconds.', type: 'histogram',
    collect: histograms('twelve_release_duration_seconds', deploys.releases, ['app', 'result']),
  });
  registerRaw(registry, {
    name: 'twelve_process_boot_seconds', help: 'Time from spawning a process to it being up (port bound, health check passed), in seconds.', type: 'histogram',
    collect: histograms('twelve_process_boot_seconds', deploys.boots, ['app', 'type']),
  });
  registerRaw(registry, {
    name: 'twelve_rollbacks_total', help: 'Rollbacks, asked for (manual) or made by the crash-loop watch (automatic).', type: 'counter',
    collect: () => [...deploys.rollbacks].flatMap(([app, kinds]) => [...kinds].map(([kind, count]) => ({ labels: { app, kind }, value: count }))),
  });
}
