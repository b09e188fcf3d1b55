/** The shapes the API answers with (docs/api.md), as the CLI reads them. */
export type { LogEvent, LogSource } from '../logs/log-event.js';
export type { FeatureView } from '../api/feature-routes.js';
export type { CertificateList, CertificateView, DomainCertificate } from '../certs/certificates.js';

export interface AppView {
  name: string;
  createdAt: string;
  currentRelease: number | null;
  url: string;
}

export interface ReleaseView {
  version: number;
  status: 'pending' | 'succeeded' | 'failed';
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
  stacks?: string[];
  runtimes: Record<string, string>;
  sourceSha: string | null;
  checksum: string | null;
  processTypes: Record<string, string> | string[];
  createdAt: string;
}

export interface AppInfo extends AppView {
  release: ReleaseView | null;
  build: BuildView | null;
  formation: Record<string, number>;
  processTypes: Record<string, string> | string[];
}

export interface ProcessView {
  name: string;
  type: string;
  number: number;
  state: 'starting' | 'up' | 'crashed' | 'stopping';
  pid: number | null;
  port: number | null;
  release: number;
  command: string;
  since: string;
  restarts: number;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type DeployEvent =
  | { type: 'stage'; stage: string }
  | { type: 'output'; text: string }
  | { type: 'done'; release: ReleaseView; url: string }
  | { type: 'error'; error: ApiErrorBody };
