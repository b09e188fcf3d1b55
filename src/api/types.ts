/**
 * The JSON shapes the API answers with (docs/api.md), declared once. The routes and views are typed
 * with them, so the compiler checks that the API sends what its clients read; the CLI imports them
 * with `import type`, which loads no code of the API.
 */
import type { DeployStage } from '../flows/deploy.js';
import type { TwelveError } from '../errors.js';
import type { LogSource } from '../logs/log-event.js';
import type { RunningBuild } from '../pipelines/pipeline-diff.js';
import type { OneOffState } from '../run/one-off.js';
import type { ProcessState } from '../run/process-spec.js';
import type { ReleaseStatus } from '../store/releases.js';
import type { SandboxState } from '../sandbox/sandbox.js';

// Shapes declared beside the code that makes them, gathered here for the clients.
export type { LogSource, RunningBuild as RunningBuildView };
export type { CertificateList, CertificateView, DomainCertificate } from '../certs/certificates.js';
export type { Parity } from '../config/parity.js';
export type { Rotation } from '../config/rotate-key.js';
export type { FactorsReport } from '../factors/report.js';
export type { DrainInfo as DrainView } from '../logs/drains/drain-manager.js';
export type { LogEvent } from '../logs/log-event.js';
export type { MetricsView } from '../telemetry/metrics-view.js';

/** GET /v1/status. */
export interface PlatformStatus {
  version: number | string;
  sandbox: SandboxState;
}

/** GET /v1/apps/:app/features: one per feature twelve has. */
export interface FeatureView { name: string; description: string; enabled: boolean }

export interface AddonView {
  name: string;
  kind: string;
  provider: 'twelve' | 'external';
  /** The server's version for provisioned addons; null for external ones (twelve cannot know it). */
  version: string | null;
  owner: string | null;
  attachments: Array<{ app: string; as: string; configVar: string }>;
  createdAt: string;
}

/** The body of every error answer: `{ "error": ApiErrorBody }`. */
export type ApiErrorBody = ReturnType<TwelveError['toJSON']>;

export interface AppView {
  name: string;
  createdAt: string;
  currentRelease: number | null;
  url: string;
}

export interface ReleaseView {
  version: number;
  status: ReleaseStatus;
  description: string;
  buildId: string | null;
  createdAt: string;
  current: boolean;
}

export interface BuildView {
  id: string;
  status: string;
  stack: string | null;
  /** Every stack that built the app, in build order (app.json buildpacks, or detection). */
  stacks: string[];
  runtimes: Record<string, string>;
  sourceSha: string | null;
  checksum: string | null;
  processTypes: Record<string, string>;
  createdAt: string;
  error: string | null;
}

/** A build as `GET /v1/apps/:app/builds` lists it: with its size on disk and whether it runs. */
export interface BuildListView extends BuildView {
  size: number | null;
  removedAt: string | null;
  inUse: boolean;
  /** The app a promoted build came from (that app's retention keeps it). */
  promotedFrom: string | null;
}

export interface BuildRetentionView {
  keep: number;
  own: boolean;
  /** Builds removed at once when the retention was set. */
  removed?: string[];
}

/** Process type to count. */
export type Formation = Record<string, number>;

export interface AppInfo extends AppView {
  release: ReleaseView | null;
  build: BuildView | null;
  formation: Formation;
  processTypes: Record<string, string>;
}

/** A process of `ps`: a Procfile process, or a one-off (`run.N`, `release.1`). */
export interface ProcessView {
  name: string;
  type: string;
  number: number;
  state: ProcessState | OneOffState;
  pid: number | null;
  port: number | null;
  release: number;
  command: string;
  since: string;
  restarts: number;
}

/** A one-off process just started by `POST /v1/apps/:app/runs`, and where to attach to it. */
export interface RunView extends ProcessView {
  attachUrl: string | null;
}

/** A deploy's progress as the API streams it (NDJSON); `twelve deploy` and `git push` both read it. */
export type DeployEvent =
  | { type: 'stage'; stage: DeployStage }
  | { type: 'output'; text: string }
  | { type: 'done'; release: ReleaseView; url: string }
  | { type: 'error'; error: ApiErrorBody };

export interface ConfigChangeView {
  config: Record<string, string>;
  release: ReleaseView | null;
  /** False when every change asked for was already so (no release was made). */
  changed: boolean;
}

export interface DomainView {
  hostname: string;
  createdAt: string;
}

export interface LogRetentionView {
  app: string;
  maxBytes: number;
  maxAgeMs: number;
  /** maxBytes and maxAgeMs as text: `100MB`, `7d`. */
  size: string;
  age: string;
  usedBytes: number;
}

export interface AddonAttachView {
  addon: AddonView;
  configVar: string;
  release: ReleaseView | null;
}

export interface PipelineSummary {
  name: string;
  createdAt: string;
  apps: number;
}

export interface PipelineInfoView {
  name: string;
  createdAt: string;
  stages: Array<{ stage: string; apps: RunningBuild[] }>;
}

export interface PromotionView {
  pipeline: string;
  to: string;
  from: { app: string; stage: string; release: ReleaseView; build: BuildView };
  outcomes: Array<{ app: string; release: ReleaseView | null; error: ApiErrorBody | null }>;
}

export interface PipelineDiffView {
  pipeline: string;
  stage: string;
  to: string;
  from: RunningBuild;
  targets: Array<RunningBuild & { sameBuild: boolean }>;
}

/** Manifests or units to write (`GET /v1/apps/:app/exports/kubernetes|systemd`), and what they cannot carry. */
export interface ExportFilesView {
  app: string;
  release: number;
  files: Array<{ name: string; content: string; mode: number }>;
  warnings: string[];
  /** systemd: the release's files as one archive, to unpack on the machine. */
  tarball?: string;
}

/** What `POST /v1/apps/:app/exports/image` says about the archive it sends (its x-twelve-export header). */
export interface ImageExportSummary {
  app: string;
  release: number;
  format: string;
  ref: string;
  manifest: { digest: string; size: number };
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number }>;
  warnings: string[];
}

/** The same header for `?format=rootfs`: the image's files as one tree, not an image. */
export interface RootfsExportSummary {
  app: string;
  release: number;
  format: 'rootfs';
  warnings: string[];
}

/** The answers that only name what was done. */
export interface Destroyed { destroyed: string }
export interface Removed { removed: string }
export interface FormationChange { formation: Formation }
export interface SizesChange { sizes: Record<string, string> }
export interface Restarted { restarted: string[] }
export interface RollbackView { release: ReleaseView }
export interface AddonDetachView { detached: string; release: ReleaseView | null }
export interface PipelineMembership { pipeline: string; stage: string }
export interface PipelineLeft { removed: string; pipeline: string }
/** The PEM of twelve's local CA, to trust its certificates. */
export interface CaView { pem: string }
export interface CertificateRemoved { removed: number }

/**
 * The header line of a log frame (`GET /v1/apps/:app/logs?format=frames`, api/log-stream.ts writes it):
 * `bytes` bytes of lines follow it.
 */
export interface LogFrameHeader {
  firstId: number;
  lastId: number;
  time: string;
  app: string;
  source: LogSource;
  process: string;
  bytes: number;
}

/** The last frame of an attached one-off run (`x`): how its process ended. */
export interface RunExit {
  status: number;
  code: number | null;
  signal: string | null;
}

/** GET /v1/apps/:app/builds/:build/output: the build, and its output as kept (null when none is). */
export type BuildOutputView = BuildView & { output: string | null };
