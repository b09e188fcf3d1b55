/** The router's metrics (`twelve_router_*`): its per-request counts (router-counters.ts) and what it holds open now. */
import type { Registry } from 'prom-client';
import type { SupervisedProcess } from '../run/process-spec.js';
import { histogramValues, registerRaw, typeOf, type RawValue } from './raw-metric.js';
import { ROUTER_CODES, STATUS_CLASSES, type RouterCounters } from './router-counters.js';

export interface RouterView {
  counters: RouterCounters;
  gauges(): { connections: number; requests: number; tunnels: Map<string, number> };
  inFlight(processId: string): number;
  processes(): readonly SupervisedProcess[];
}

function perApp(counters: RouterCounters, pick: (app: string, counts: ReturnType<RouterCounters['apps']['get']> & object) => RawValue[]): () => RawValue[] {
  return () => [...counters.apps].flatMap(([app, counts]) => pick(app, counts));
}

export function registerRouterMetrics(registry: Registry, router: RouterView): void {
  const { counters } = router;
  registerRaw(registry, {
    name: 'twelve_router_requests_total', help: 'Requests the router finished, by the status class of the answer (0xx: none was sent).', type: 'counter',
    collect: perApp(counters, (app, counts) => [...counts.dynos].flatMap(([dyno, dynoCounts]) => STATUS_CLASSES.flatMap((statusClass, i) =>
      dynoCounts.byClass[i]! > 0 ? [{ labels: { app, type: typeOf(dyno), dyno, status_class: statusClass }, value: dynoCounts.byClass[i]! }] : []))),
  });
  registerRaw(registry, {
    name: 'twelve_router_errors_total', help: 'Requests that ended with a router error, by code (T10-T19, docs/errors.md; twelve\'s Heroku H-codes).', type: 'counter',
    collect: perApp(counters, (app, counts) => [...counts.dynos].flatMap(([dyno, dynoCounts]) => ROUTER_CODES.flatMap((code, i) =>
      dynoCounts.byCode[i]! > 0 ? [{ labels: { app, type: typeOf(dyno), dyno, code }, value: dynoCounts.byCode[i]! }] : []))),
  });
  registerRaw(registry, {
    name: 'twelve_router_first_byte_seconds', help: 'Time from a request\'s head to the process\'s response head (time to first byte), in seconds.', type: 'histogram',
    collect: perApp(counters, (app, counts) => histogramValues('twelve_router_first_byte_seconds', { app }, counts.firstByte)),
  });
  registerRaw(registry, {
    name: 'twelve_router_request_duration_seconds', help: 'Time from a request\'s head to the end of its answer, in seconds.', type: 'histogram',
    collect: perApp(counters, (app, counts) => histogramValues('twelve_router_request_duration_seconds', { app }, counts.total)),
  });
  registerRaw(registry, {
    name: 'twelve_router_request_body_bytes_total', help: 'Request body bytes received from clients.', type: 'counter',
    collect: perApp(counters, (app, counts) => [{ labels: { app }, value: counts.requestBytes }]),
  });
  registerRaw(registry, {
    name: 'twelve_router_response_body_bytes_total', help: 'Response body bytes sent to clients.', type: 'counter',
    collect: perApp(counters, (app, counts) => [{ labels: { app }, value: counts.responseBytes }]),
  });
  registerRaw(registry, {
    name: 'twelve_router_retries_total', help: 'Requests sent again to another process after the first could not have seen them.', type: 'counter',
    collect: perApp(counters, (app, counts) => [{ labels: { app }, value: counts.retries }]),
  });
  registerRaw(registry, {
    name: 'twelve_router_connections', help: 'Client connections open to the router.', type: 'gauge',
    collect: () => [{ labels: {}, value: router.gauges().connections }],
  });
  registerRaw(registry, {
    name: 'twelve_router_requests_in_flight', help: 'Requests being served, per web process (those the router answers itself are not counted).', type: 'gauge',
    collect: () => router.processes().filter((proc) => proc.spec.type === 'web' && proc.state !== 'stopped')
      .map((proc) => ({ labels: { app: proc.spec.app, type: proc.spec.type, dyno: proc.name }, value: router.inFlight(proc.id) })),
  });
  registerRaw(registry, {
    name: 'twelve_router_websockets', help: 'Upgraded connections (websockets) open through the router.', type: 'gauge',
    collect: () => [...router.gauges().tunnels].map(([app, count]) => ({ labels: { app }, value: count })),
  });
}
