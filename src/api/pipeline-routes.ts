/** /v1/pipelines: create, list, show, add and remove apps; /v1/apps/:app/pipeline: promote and diff. */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { pipelineDiff, runningBuildOf } from '../pipelines/pipeline-diff.js';
import { promote } from '../flows/promote.js';
import { getApp } from '../store/apps.js';
import {
  addPipelineApp, assertStage, deletePipeline, getPipeline, insertPipeline, listPipelines, pipelineMembers, pipelineOf,
  removePipelineApp, STAGES,
} from '../store/pipelines.js';
import type { Destroyed, PipelineDiffView, PipelineInfoView, PipelineLeft, PipelineMembership, PipelineSummary, PromotionView } from './types.js';
import { buildView, releaseView } from './views.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function assertPipelineName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length > 30 || !NAME.test(name)) {
    throw new TwelveError('INVALID_PIPELINE_NAME', `${JSON.stringify(name)} is not a valid pipeline name`);
  }
}

type NameParams = { Params: { name: string } };
type AppParams = { Params: { app: string } };

export function registerPipelineRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  const pipelineInfo = (name: string) => {
    const pipeline = getPipeline(db, name);
    const members = pipelineMembers(db, pipeline.id);
    return {
      name: pipeline.name, createdAt: pipeline.createdAt,
      stages: STAGES.map((stage) => ({
        stage, apps: members.filter((member) => member.stage === stage).map((member) => runningBuildOf(platform, member.app)),
      })),
    };
  };

  server.get<{ Reply: PipelineSummary[] }>('/v1/pipelines', async () => listPipelines(db).map((pipeline) => ({
    name: pipeline.name, createdAt: pipeline.createdAt, apps: pipelineMembers(db, pipeline.id).length,
  })));

  server.post<{ Reply: PipelineInfoView }>('/v1/pipelines', async (request, reply) => {
    const name = (request.body as { name?: unknown } | undefined)?.name;
    assertPipelineName(name);
    insertPipeline(db, name);
    return reply.status(201).send(pipelineInfo(name));
  });

  server.get<NameParams & { Reply: PipelineInfoView }>('/v1/pipelines/:name', async (request) => pipelineInfo(request.params.name));

  server.delete<NameParams & { Reply: Destroyed }>('/v1/pipelines/:name', async (request) => {
    deletePipeline(db, getPipeline(db, request.params.name).id);
    return { destroyed: request.params.name };
  });

  server.post<NameParams & { Reply: PipelineInfoView }>('/v1/pipelines/:name/apps', async (request, reply) => {
    const body = (request.body ?? {}) as { app?: unknown; stage?: unknown };
    if (typeof body.app !== 'string') throw new TwelveError('BAD_REQUEST', 'app must be an app name');
    assertStage(body.stage);
    const pipeline = getPipeline(db, request.params.name);
    const app = getApp(db, body.app);
    addPipelineApp(db, pipeline.id, app.id, body.stage);
    platform.logs.publish(app.name, 'twelve', 'api', `Added to pipeline ${pipeline.name} as ${body.stage}`);
    return reply.status(201).send(pipelineInfo(pipeline.name));
  });

  server.get<AppParams & { Reply: PipelineMembership }>('/v1/apps/:app/pipeline', async (request) => {
    const member = pipelineOf(db, getApp(db, request.params.app).id);
    if (!member) throw new TwelveError('NOT_IN_PIPELINE', `${request.params.app} is not in a pipeline`);
    return { pipeline: member.pipeline, stage: member.stage };
  });

  server.delete<AppParams & { Reply: PipelineLeft }>('/v1/apps/:app/pipeline', async (request) => {
    const app = getApp(db, request.params.app);
    const member = pipelineOf(db, app.id);
    if (!member || !removePipelineApp(db, app.id)) throw new TwelveError('NOT_IN_PIPELINE', `${app.name} is not in a pipeline`);
    return { removed: app.name, pipeline: member.pipeline };
  });

  server.post<AppParams & { Reply: PromotionView }>('/v1/apps/:app/pipeline/promote', async (request) => {
    const promotion = await promote(platform, request.params.app);
    return {
      pipeline: promotion.pipeline, to: promotion.to,
      from: { app: promotion.from.app, stage: promotion.from.stage, release: releaseView(promotion.from.release, promotion.from.release.id), build: buildView(promotion.from.build) },
      outcomes: promotion.outcomes.map((outcome) => ({
        app: outcome.app, release: outcome.release && releaseView(outcome.release, outcome.release.id), error: outcome.error,
      })),
    };
  });

  server.get<AppParams & { Reply: PipelineDiffView }>('/v1/apps/:app/pipeline/diff', async (request) => pipelineDiff(platform, request.params.app));
}
