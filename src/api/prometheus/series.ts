/**
 * Prometheus's metadata endpoints: `/api/v1/series`, `/api/v1/labels` and
 * `/api/v1/label/<name>/values` (GET, or POST with a form body), which Grafana's Prometheus
 * datasource calls on connect, on dashboard load and for its query editor's suggestions.
 *
 * They answer from the series index and the field catalogue, never from samples. With `start` or
 * `end` they keep the series with points in that range, to within a storage partition (a day by
 * default), as Prometheus keeps those of the blocks the range touches.
 */
import type { Context } from 'koa';
import type { MsRange, Namespace, SeriesSet } from '../../cluster/index.ts';
import type { Tag } from '../../core/index.ts';
import { MEASUREMENT_NAME, type Matcher } from '../../index/index.ts';
import { compareLabels, PromqlBadDataError, splitSelector } from '../../query/index.ts';
import { authorize } from '../auth/index.ts';
import { requestParams } from '../params.ts';
import type { ServerState } from '../state.ts';
import { catalogSources, seriesLabels, sortStrings } from './catalog.ts';
import { applyLimit, labelsJson, parseLimitParam, parseMatchParams, respondData, respondJson, timeRangeParams } from './envelope.ts';
import type { PrometheusApiOptions } from './options.ts';
import type { Target } from './write.ts';

/** Prometheus's (legacy) label name syntax, which `/label/<name>/values` checks its name against. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export async function series(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  if (params.getAll('match[]').length === 0) throw new PromqlBadDataError('no match[] parameter provided');
  const range = timeRangeParams(params);
  const selectors = parseMatchParams(params, true);
  const limit = parseLimitParam(params);
  authorize(ctx, target.database, 'read');
  const within = seriesWithin(state, target, range);
  const found = new Map<string, Tag[]>();
  for (const matchers of selectors) {
    for (const labels of seriesLabels(state.router, namespaceOf(target), matchers, within)) {
      const key = labelsJson(labels);
      if (!found.has(key)) found.set(key, labels);
    }
  }
  const sorted = [...found.values()].sort(compareLabels);
  const { items, warnings } = applyLimit(sorted, limit);
  respondJson(ctx, `[${items.map(labelsJson).join(',')}]`, warnings);
}

export async function labelNames(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const range = timeRangeParams(params);
  const selectors = parseMatchParams(params);
  const limit = parseLimitParam(params);
  authorize(ctx, target.database, 'read');
  const within = seriesWithin(state, target, range);
  // A time range goes through every metric's series, as a selector of no matchers.
  const names = selectors.length === 0 && within === undefined ? allLabelNames(state, target) : matchedLabelNames(state, target, selectors.length === 0 ? [[]] : selectors, within);
  const { items, warnings } = applyLimit(sortStrings(names), limit);
  respondData(ctx, items, warnings);
}

export async function labelValues(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const name = ctx.params['name'] ?? '';
  if (!LABEL_NAME.test(name)) throw new PromqlBadDataError(`invalid label name: ${JSON.stringify(name)}`);
  const params = await requestParams(ctx, options.limits);
  const range = timeRangeParams(params);
  const selectors = parseMatchParams(params);
  const limit = parseLimitParam(params);
  authorize(ctx, target.database, 'read');
  const within = seriesWithin(state, target, range);
  const values =
    selectors.length === 0 && within === undefined ? allLabelValues(state, target, name) : matchedLabelValues(state, target, name, selectors.length === 0 ? [[]] : selectors, within);
  const { items, warnings } = applyLimit(sortStrings(values), limit);
  respondData(ctx, items, warnings);
}

/** The series with points in the request's time range; undefined without one (or without the database). */
function seriesWithin(state: ServerState, target: Target, range: MsRange | undefined): SeriesSet | undefined {
  return range !== undefined && state.router.hasDatabase(target.database) ? state.router.seriesWithin(target.database, range) : undefined;
}

function namespaceOf(target: Target): Namespace {
  return { database: target.database, retentionPolicy: target.retentionPolicy };
}

/** Every tag key of the database, and `__name__` when it has a metric. */
function allLabelNames(state: ServerState, target: Target): Set<string> {
  const router = state.router;
  if (!router.hasDatabase(target.database)) return new Set();
  const names = new Set(router.tagKeys(target.database, []));
  if (catalogSources(router, namespaceOf(target), []).length > 0) names.add(MEASUREMENT_NAME);
  return names;
}

function matchedLabelNames(state: ServerState, target: Target, selectors: readonly Matcher[][], within: SeriesSet | undefined): Set<string> {
  const router = state.router;
  const names = new Set<string>();
  if (!router.hasDatabase(target.database)) return names;
  for (const matchers of selectors) {
    const selector = splitSelector(matchers);
    for (const source of catalogSources(router, namespaceOf(target), selector.nameMatchers)) {
      const seriesMatchers = selector.seriesMatchers(source);
      const keys = router.tagKeys(target.database, seriesMatchers, within);
      for (const key of keys) names.add(key);
      // A series without tags has a name all the same; tag keys alone cannot tell whether one matched.
      if (keys.length > 0 || router.seriesKeys(target.database, seriesMatchers, within).length > 0) names.add(MEASUREMENT_NAME);
    }
  }
  return names;
}

/** Every value of a tag in the database; for `__name__`, every metric name. */
function allLabelValues(state: ServerState, target: Target, name: string): Set<string> {
  const router = state.router;
  if (!router.hasDatabase(target.database)) return new Set();
  if (name === MEASUREMENT_NAME) return new Set(catalogSources(router, namespaceOf(target), []).map((s) => s.metric));
  return new Set(router.tagValues(target.database, name, []));
}

function matchedLabelValues(state: ServerState, target: Target, name: string, selectors: readonly Matcher[][], within: SeriesSet | undefined): Set<string> {
  const router = state.router;
  const values = new Set<string>();
  if (!router.hasDatabase(target.database)) return values;
  for (const matchers of selectors) {
    const selector = splitSelector(matchers);
    for (const source of catalogSources(router, namespaceOf(target), selector.nameMatchers)) {
      const seriesMatchers = selector.seriesMatchers(source);
      if (name === MEASUREMENT_NAME) {
        if (router.seriesKeys(target.database, seriesMatchers, within).length > 0) values.add(source.metric);
      } else {
        for (const value of router.tagValues(target.database, name, seriesMatchers, within)) values.add(value);
      }
    }
  }
  return values;
}
