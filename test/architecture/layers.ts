/**
 * The layers of src/, bottom first: the one declaration of which part may import which
 * (docs/architecture.md#layers shows it, and test/architecture/layering.test.ts holds both to it). A unit
 * is a top-level folder (`run/`) or a file at src/'s root (`errors.ts`); it may import units of lower
 * layers only, never a peer of its own layer.
 */
export interface Layer {
  name: string;
  units: string[];
}

export const LAYERS: Layer[] = [
  { name: 'rules', units: ['errors.ts', 'free-port.ts', 'paths.ts', 'log-throttle.ts', 'native-addon.ts', 'run-marker.ts', 'api-token.ts', 'serve-node-flags.ts'] },
  { name: 'settings, store, sandbox', units: ['settings.ts', 'platform-log.ts', 'disk-reserve.ts', 'store/', 'sandbox/'] },
  { name: 'config, logs, launch', units: ['data-dir.ts', 'config/', 'logs/', 'launch/', 'pipelines/', 'git/'] },
  { name: 'build, router', units: ['build/', 'router/', 'addons/', 'factors/'] },
  { name: 'run', units: ['run/', 'certs/'] },
  { name: 'telemetry, export', units: ['telemetry/', 'export/'] },
  { name: 'release', units: ['release/'] },
  { name: 'flows', units: ['flows/'] },
  { name: 'platform', units: ['platform.ts'] },
  { name: 'api', units: ['api/'] },
  { name: 'daemon', units: ['main.ts'] },
  { name: 'command line', units: ['cli/', 'demo.ts'] },
];
