/**
 * The Prometheus endpoints: remote write and remote read at Prometheus's paths (`/api/v1/write`,
 * `/api/v1/read`, into the configured database unless `?db=` names another) and at InfluxDB 1.x's
 * (`/api/v1/prom/write?db=`, `/api/v1/prom/read?db=`).
 */
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { AuthState } from '../auth/index.ts';
import { queryParam } from '../params.ts';
import type { ServerState } from '../state.ts';
import type { PrometheusApiOptions } from './options.ts';
import { query, queryRange } from './query.ts';
import { queryExemplars } from './exemplars.ts';
import { formatQuery, parseQuery } from './expressions.ts';
import { metricMetadata } from './metricMetadata.ts';
import { labelNames, labelValues, series } from './series.ts';
import { buildInfo, config, flags, runtimeInfo, tsdbStatus } from './status.ts';
import { alertmanagers, alerts, rules, targets, targetsMetadata } from './scrapeAndAlert.ts';
import { remoteRead } from './read.ts';
import { remoteWrite, type Target } from './write.ts';

export { MetadataStore, METADATA_FILE } from './metadata.ts';
export { DEFAULT_PROMETHEUS_CONFIG, type PrometheusApiOptions, type PrometheusConfig } from './options.ts';

/** Paths whose errors are plain text, as Prometheus's remote storage endpoints answer them. */
export const REMOTE_STORAGE_PATHS: ReadonlySet<string> = new Set(['/api/v1/write', '/api/v1/read']);

/** Whether errors on `path` take the Prometheus HTTP API's JSON envelope (`{"status":"error","errorType":...}`). */
export function isPrometheusApiPath(path: string): boolean {
  return path.startsWith('/api/v1/') && !REMOTE_STORAGE_PATHS.has(path) && !path.startsWith('/api/v1/prom/');
}

export function registerPrometheusRoutes(router: Router<AuthState>, state: ServerState, options: PrometheusApiOptions): void {
  const write = (requireDb: boolean) => (ctx: Context) => {
    const target = targetOf(ctx, options, requireDb);
    return state.counted('write', () => remoteWrite(ctx, target, state, options));
  };
  const read = (requireDb: boolean) => (ctx: Context) => {
    const target = targetOf(ctx, options, requireDb);
    return state.counted('query', () => remoteRead(ctx, target, state, options));
  };
  const api = (handler: (ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions) => Promise<void>) => (ctx: Context) =>
    state.counted('query', () => handler(ctx, targetOf(ctx, options, false), state, options));
  for (const method of ['get', 'post'] as const) {
    router[method]('/api/v1/query', api(query));
    router[method]('/api/v1/query_range', api(queryRange));
    router[method]('/api/v1/query_exemplars', api(queryExemplars));
    router[method]('/api/v1/format_query', api(formatQuery));
    router[method]('/api/v1/parse_query', api(parseQuery));
    router[method]('/api/v1/series', api(series));
    router[method]('/api/v1/labels', api(labelNames));
  }
  router.get('/api/v1/label/:name/values', api(labelValues));
  router.get('/api/v1/metadata', api(metricMetadata));
  router.get('/api/v1/status/buildinfo', api(buildInfo));
  router.get('/api/v1/status/runtimeinfo', api(runtimeInfo));
  router.get('/api/v1/status/flags', api(flags));
  router.get('/api/v1/status/config', api(config));
  router.get('/api/v1/status/tsdb', api(tsdbStatus));
  router.get('/api/v1/rules', api(rules));
  router.get('/api/v1/alerts', api(alerts));
  router.get('/api/v1/targets', api(targets));
  router.get('/api/v1/targets/metadata', api(targetsMetadata));
  router.get('/api/v1/alertmanagers', api(alertmanagers));
  router.post('/api/v1/write', write(false));
  router.post('/api/v1/read', read(false));
  router.post('/api/v1/prom/write', write(true));
  router.post('/api/v1/prom/read', read(true));
}

function targetOf(ctx: Context, options: PrometheusApiOptions, requireDb: boolean): Target {
  const db = queryParam(ctx, 'db');
  // InfluxDB's endpoints need the database named, with InfluxDB's wording.
  if (requireDb && (db === undefined || db === '')) return ctx.throw(400, 'database is required');
  const rp = queryParam(ctx, 'rp');
  return { database: db !== undefined && db !== '' ? db : options.prometheus.database, retentionPolicy: rp !== undefined && rp !== '' ? rp : undefined };
}
