/** The pipelines tables: named pipelines, and the stage each member app stands in (one pipeline per app). */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';

export const STAGES = ['development', 'staging', 'production'] as const;
export type Stage = typeof STAGES[number];

export interface Pipeline { id: number; name: string; createdAt: string }

export interface PipelineMember { appId: number; app: string; stage: Stage; pipeline: string; pipelineId: number }

/** The stage a promotion from `stage` goes to; null after production. */
export function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

export function assertStage(stage: unknown): asserts stage is Stage {
  if (typeof stage !== 'string' || !(STAGES as readonly string[]).includes(stage)) {
    throw new TwelveError('INVALID_STAGE', `${String(stage)} is not a stage: use ${STAGES.join(', ')}`);
  }
}

export function insertPipeline(db: Db, name: string): Pipeline {
  try {
    const createdAt = now();
    const info = db.prepare('INSERT INTO pipelines (name, created_at) VALUES (?, ?)').run(name, createdAt);
    return { id: Number(info.lastInsertRowid), name, createdAt };
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new TwelveError('PIPELINE_EXISTS', `a pipeline named ${name} already exists`);
    throw error;
  }
}

export function listPipelines(db: Db): Pipeline[] {
  return (db.prepare('SELECT id, name, created_at AS createdAt FROM pipelines ORDER BY name').all() as Pipeline[]);
}

export function getPipeline(db: Db, name: string): Pipeline {
  const row = db.prepare('SELECT id, name, created_at AS createdAt FROM pipelines WHERE name = ?').get(name) as Pipeline | undefined;
  if (!row) throw new TwelveError('PIPELINE_NOT_FOUND', `no pipeline named ${name}`);
  return row;
}

export function deletePipeline(db: Db, id: number): void {
  db.prepare('DELETE FROM pipelines WHERE id = ?').run(id);
}

const MEMBER_SELECT = `SELECT pa.app_id AS appId, apps.name AS app, pa.stage AS stage, p.name AS pipeline, p.id AS pipelineId
  FROM pipeline_apps pa JOIN apps ON apps.id = pa.app_id JOIN pipelines p ON p.id = pa.pipeline_id`;

export function addPipelineApp(db: Db, pipelineId: number, appId: number, stage: Stage): void {
  const existing = pipelineOf(db, appId);
  if (existing) {
    throw new TwelveError('APP_IN_PIPELINE', `${existing.app} is already in pipeline ${existing.pipeline} (${existing.stage})`);
  }
  db.prepare('INSERT INTO pipeline_apps (app_id, pipeline_id, stage, added_at) VALUES (?, ?, ?, ?)').run(appId, pipelineId, stage, now());
}

export function removePipelineApp(db: Db, appId: number): boolean {
  return db.prepare('DELETE FROM pipeline_apps WHERE app_id = ?').run(appId).changes > 0;
}

/** The pipeline and stage of an app, if it is in one. */
export function pipelineOf(db: Db, appId: number): PipelineMember | undefined {
  return db.prepare(`${MEMBER_SELECT} WHERE pa.app_id = ?`).get(appId) as PipelineMember | undefined;
}

/** The member apps of a pipeline in stage order, then by name. */
export function pipelineMembers(db: Db, pipelineId: number): PipelineMember[] {
  const rows = db.prepare(`${MEMBER_SELECT} WHERE pa.pipeline_id = ? ORDER BY apps.name`).all(pipelineId) as PipelineMember[];
  return rows.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
}
