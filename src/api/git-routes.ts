/**
 * git over smart HTTP at /git/APP.git (docs/git-push.md): git's own http-backend serves fetches and
 * pushes, authenticated with the API token as Basic auth's password; a push's pre-receive hook calls
 * back to /git/APP.git/push-deploy with a one-time token, and that deploy's output becomes the push's
 * `remote:` lines.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTwelveError, TwelveError } from '../errors.js';
import { ensureAppRepo } from '../git/app-repo.js';
import { cgiEnvironment, HTTP_BACKEND, runHttpBackend } from '../git/http-backend.js';
import { archiveCommit, assertQuarantine, commitToDeploy, liveCommit, parseRefUpdates } from '../git/push-deploy.js';
import { PushTokens } from '../git/push-tokens.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { basicPassword, bearerToken, sameSecret } from './credentials.js';
import { deployWithEvents } from './deploy-routes.js';
import { openNdjson } from './ndjson.js';
import type { DeployEvent } from './types.js';

type GitRequest = FastifyRequest<{ Params: { repo: string } }>;

/** `APP.git` -> APP. */
function appOfRepo(repo: string): string {
  if (!repo.endsWith('.git')) throw new TwelveError('NOT_FOUND', `no repository ${repo}: use /git/APP.git`);
  return repo.slice(0, -'.git'.length);
}

/** The lines a push shows for a deploy event, Heroku style. */
export function pushLines(event: DeployEvent): string[] {
  switch (event.type) {
    case 'stage': return [`-----> ${{ build: 'Building', release: 'Releasing', run: 'Starting processes' }[event.stage]}`];
    case 'output': return [event.text];
    case 'done': return [`-----> Released v${event.release.version}`, `       ${event.url} deployed to twelve`];
    case 'error': {
      const lastLines = Array.isArray(event.error.details?.lastLines) ? (event.error.details.lastLines as unknown[]).map(String) : [];
      return [` !     ${event.error.message}`, ...event.error.hint.split('\n').map((line) => ` !     ${line}`), ...lastLines.map((line) => `       ${line}`)];
    }
  }
}

/** Where the hook reaches this API: the address and port this request came in on. */
function callbackBase(request: FastifyRequest): string {
  const address = request.socket.localAddress ?? '127.0.0.1';
  return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort}`;
}

export function registerGitRoutes(server: FastifyInstance, platform: Platform, token: string): void {
  const pushTokens = new PushTokens();

  /** http-backend for one request, after git's credentials (any user name, the API token as password). */
  async function serveGit(request: GitRequest, reply: FastifyReply, service: string) {
    if (!sameSecret(basicPassword(request.headers.authorization), token)) {
      const error = new TwelveError('UNAUTHORIZED', 'missing or wrong API token: git sends it as the password');
      return reply.status(401).header('www-authenticate', 'Basic realm="twelve"').send({ error: error.toJSON() });
    }
    const app = getApp(platform.db, appOfRepo(request.params.repo));
    if (!existsSync(HTTP_BACKEND)) throw new TwelveError('GIT_UNAVAILABLE', `git's http-backend is not at ${HTTP_BACKEND}: apt-get install -y git`);
    const repo = platform.paths.gitRepo(app.name);
    ensureAppRepo(repo);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const hookToken = service === 'git-receive-pack' ? pushTokens.issue(app.name) : undefined;
    const env = cgiEnvironment({
      method: request.method, projectRoot: platform.paths.appDir(app.name), pathInfo: `/repo.git/${service}`, query,
      headers: request.headers, remoteUser: 'twelve', remoteAddr: request.socket.remoteAddress ?? '',
    }, hookToken ? { PUSH_DEPLOY_URL: `${callbackBase(request)}/git/${app.name}.git/push-deploy`, PUSH_DEPLOY_TOKEN: hookToken } : {});
    reply.hijack();
    try {
      await runHttpBackend(env, request.method === 'POST' ? request.raw : null, reply.raw);
    } finally {
      if (hookToken) pushTokens.revoke(hookToken);
    }
  }

  /** The pre-receive hook's call: deploy the pushed commit, answer with the lines to show and a verdict. */
  async function pushDeploy(request: FastifyRequest<{ Params: { repo: string }; Body: { updates?: unknown; quarantine?: unknown } }>, reply: FastifyReply) {
    const appName = appOfRepo(request.params.repo);
    if (!pushTokens.redeem(bearerToken(request.headers.authorization) ?? '', appName)) throw new TwelveError('UNAUTHORIZED', 'not a live push of this app');
    const { updates, quarantine } = request.body ?? {};
    if (typeof updates !== 'string' || (quarantine !== null && typeof quarantine !== 'string')) {
      throw new TwelveError('BAD_REQUEST', 'send { updates: "OLD NEW REF\\n...", quarantine: PATH|null }');
    }
    const stream = openNdjson(reply);
    const say = (text: string) => stream.send({ type: 'line', text });
    let ok = false;
    try {
      const target = commitToDeploy(parseRefUpdates(updates));
      const live = liveCommit(platform.db, appName);
      if (!target) {
        say('-----> No branch moved: nothing to deploy');
        ok = true;
      } else if (live?.sha === target.sha) {
        say(`-----> ${target.sha.slice(0, 7)} is already live (v${live.version}): nothing to deploy`);
        ok = true;
      } else {
        const repo = platform.paths.gitRepo(appName);
        if (quarantine) assertQuarantine(repo, quarantine);
        say(`-----> Deploying ${target.sha.slice(0, 7)} (${target.ref.replace('refs/heads/', '')}) to ${appName}`);
        const source = archiveCommit(repo, quarantine, target.sha);
        await deployWithEvents(platform, { app: appName, source, sourceSha: target.sha }, (event) => {
          for (const line of pushLines(event)) say(line);
          if (event.type === 'done') ok = true;
        });
      }
    } catch (error) {
      if (!isTwelveError(error)) platform.logger.error({ err: error, app: appName }, 'push deploy crashed');
      for (const line of pushLines({ type: 'error', error: isTwelveError(error) ? error.toJSON() : new TwelveError('INTERNAL', 'the push failed inside twelve').toJSON() })) say(line);
    } finally {
      stream.send({ type: 'result', ok });
      stream.end();
    }
  }

  server.register(async (scoped) => {
    // Pack data goes to http-backend as it arrives, never buffered here.
    scoped.addContentTypeParser(['application/x-git-upload-pack-request', 'application/x-git-receive-pack-request'], (_request, payload, done) => done(null, payload));
    scoped.get<{ Params: { repo: string } }>('/git/:repo/info/refs', (request, reply) => serveGit(request, reply, 'info/refs'));
    scoped.post<{ Params: { repo: string } }>('/git/:repo/git-upload-pack', (request, reply) => serveGit(request, reply, 'git-upload-pack'));
    scoped.post<{ Params: { repo: string } }>('/git/:repo/git-receive-pack', (request, reply) => serveGit(request, reply, 'git-receive-pack'));
    scoped.post('/git/:repo/push-deploy', pushDeploy);
  });
}
