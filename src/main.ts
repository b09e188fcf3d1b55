/**
 * `twelve serve`: read the settings, open the platform, start the API and the router, restore every app,
 * and stop everything gracefully on SIGTERM or SIGINT. The only place that exits the process.
 */
import type pino from 'pino';
import { createPlatformLogger } from './platform-log.js';
import { API_VERSION, buildApiServer } from './api/server.js';
import { loadOrCreateApiToken } from './api-token.js';
import { errorText, isTwelveError, TwelveError } from './errors.js';
import { closePlatform, openPlatform, restorePlatform } from './platform.js';
import { Router } from './router/router.js';
import { readSettings } from './settings.js';
import { listenForScrapes, type MetricsListener } from './telemetry/metrics-listener.js';
import { Telemetry } from './telemetry/telemetry.js';

export interface RunningPlatform {
  apiPort: number;
  routerPort: number;
  httpsPort: number;
  /** Stops taking requests, stops every app process gracefully, closes the store. */
  stop(): Promise<void>;
}

/** Starts the whole platform in this process; used by `twelve serve` and by in-process tests. */
export async function startPlatform(env: Record<string, string | undefined> = process.env, logger?: pino.Logger): Promise<RunningPlatform> {
  const settings = readSettings(env);
  const log = logger ?? createPlatformLogger(settings.logLevel);
  const platform = openPlatform(settings, log);
  const token = loadOrCreateApiToken(platform.paths.apiToken, settings.apiToken);
  const telemetry = settings.metrics ? new Telemetry(platform) : undefined;
  const api = buildApiServer(platform, token, telemetry);
  // The OpenTelemetry SDK is loaded only when it is asked for: it is most of what telemetry weighs.
  const otlp = telemetry && settings.otlpEndpoint
    ? (await import('./telemetry/otlp/otlp-export.js')).startOtlp(settings.otlpEndpoint, telemetry.registry, { metricsIntervalMs: settings.otlpIntervalMs, version: API_VERSION })
    : undefined;
  const router = new Router({ table: platform.table, logs: platform.logs, logger: log.child({ part: 'router' }), counters: telemetry?.routerCounters, tracer: otlp?.tracer, challenges: platform.challenges });
  telemetry?.attachRouter({ gauges: () => router.gauges(), inFlight: (id) => router.inFlight(id) });
  platform.fleet.setDrainer((backendId, timeoutMs) => router.drain(backendId, timeoutMs));

  await api.listen({ port: settings.apiPort, host: settings.apiBind }).catch((error: unknown) => refuseBusyPort(error, 'TWELVE_API_PORT', settings.apiPort, settings.apiBind));
  const apiPort = (api.server.address() as { port: number }).port;
  // Before the apps are restored: a bad TWELVE_METRICS_BIND stops twelve while nothing runs yet.
  let scrapes: MetricsListener | undefined;
  if (telemetry && settings.metricsBind) {
    scrapes = await listenForScrapes(telemetry, settings.metricsBind.host, settings.metricsBind.port, (error) => log.error({ err: error }, 'metrics: collecting failed'));
    log.info({ metrics: `http://${settings.metricsBind.host}:${scrapes.port}/metrics` }, 'serving /metrics without auth');
  }
  telemetry?.start();
  // The router takes traffic only once the apps it serves are back, so nobody sees a 503 for a live app.
  await restorePlatform(platform);
  const routerPort = await router.listen(settings.routerPort, settings.routerBind).catch((error: unknown) => refuseBusyPort(error, 'TWELVE_ROUTER_PORT', settings.routerPort, settings.routerBind));
  platform.settings.routerPort = routerPort;
  const httpsPort = await router.listenTls(settings.httpsPort, settings.routerBind, platform.certs.book).catch((error: unknown) => refuseBusyPort(error, 'TWELVE_HTTPS_PORT', settings.httpsPort, settings.routerBind));
  platform.settings.httpsPort = httpsPort;
  // Orders need the plain port up: the ACME server fetches its challenges there.
  platform.acme.start();
  log.info({ api: `http://${urlHost(settings.apiBind)}:${apiPort}`, router: `http://${urlHost(settings.routerBind)}:${routerPort}`, https: `https://${urlHost(settings.routerBind)}:${httpsPort}`, dataDir: settings.dataDir }, 'twelve is serving');

  let stopping: Promise<void> | undefined;
  return {
    apiPort,
    routerPort,
    httpsPort,
    stop() {
      stopping ??= (async () => {
        log.info('stopping: no new requests, then every app process gets SIGTERM');
        telemetry?.stop();
        await Promise.all([api.close(), router.close(), scrapes?.close()]);
        await otlp?.shutdown();
        await closePlatform(platform);
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

/** An IPv6 address goes in brackets in a URL. */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** A port another program holds: said with the setting that moves it, instead of a bare EADDRINUSE. */
function refuseBusyPort(error: unknown, setting: string, port: number, bind: string): never {
  // The router says it as INVALID_SETTING with the system's code in its details; the API server as Node does.
  const code = isTwelveError(error) ? error.details?.code : (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE') throw error;
  throw new TwelveError('PORT_IN_USE', `${bind}:${port} is in use by another program (another twelve serve?); set ${setting} to a free port, or stop what holds it (\`ss -ltnp 'sport = :${port}'\` names it)`, { setting, port });
}

export async function main(): Promise<void> {
  // The terminal or the pipe twelve writes to may go away (a closed SSH session, a dead `| tee`): a write
  // then fails with EPIPE, and an unhandled failure would end twelve before it stops the apps. What
  // cannot be written is dropped (pino's own stream does the same with its lines).
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  // Listened for from the start: a stop asked for while twelve restores its apps is carried out as soon
  // as they are restored, rather than killing twelve half-way (the next start would have to reap them).
  let running: RunningPlatform | undefined;
  let stopAsked = false;
  const stop = (platform: RunningPlatform) => platform.stop().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`error while stopping: ${String(error)}\n`);
    process.exit(1);
  });
  const shutdown = (why: string) => {
    // Once: a stop signal may come twice (a Ctrl-C reaches twelve and the `twelve serve` that relaunched
    // it, which passes it on), and the second one must neither kill twelve nor say it again.
    if (stopAsked) return;
    stopAsked = true;
    process.stderr.write(`${why}\n`);
    if (running) void stop(running);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(`received ${signal}`));
  // Relaunched by a `twelve serve` (cli/serve-relaunch.ts): when that one is gone, so is whoever
  // supervises twelve, and the channel between them closes.
  // `send` stays defined after the channel closes, so a parent that went while twelve was loading is seen too.
  if (process.send) {
    const parentGone = () => shutdown('the twelve serve that started this one exited');
    if (!process.connected) parentGone();
    process.channel?.unref();
    process.once('disconnect', parentGone);
  }
  try {
    running = await startPlatform();
  } catch (error) {
    const message = errorText(error);
    const hint = isTwelveError(error) ? `\n${error.hint}` : '';
    process.stderr.write(`twelve could not start: ${message}${hint}\n`);
    process.exit(1);
  }
  if (stopAsked) void stop(running);
}
