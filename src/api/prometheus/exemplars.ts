/**
 * `/api/v1/query_exemplars`: the exemplars of the series the query's selectors match, from the
 * String field `exemplar` remote write stores them in (JSON `{"labels": {...}, "value": v}` at the
 * exemplar's time), answered as Prometheus does:
 * `[{"seriesLabels": {...}, "exemplars": [{"labels": {...}, "value": "<v>", "timestamp": <seconds>}]}]`.
 */
import type { Context } from 'koa';
import { FieldType, MAX_TIMESTAMP, MIN_TIMESTAMP, type Tag, type TimeRange } from '../../core/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../../index/index.ts';
import {
  compareLabels,
  formatFloat,
  labelsOf,
  METRIC_EXEMPLAR_FIELD,
  parsePromql,
  PromqlBadDataError,
  PromqlParseError,
  selectSeries,
  type PromqlExpr,
  type QueryContext,
} from '../../query/index.ts';
import { authorize } from '../auth/index.ts';
import { requestParams } from '../params.ts';
import type { ServerState } from '../state.ts';
import { labelsJson, respondJson } from './envelope.ts';
import type { PrometheusApiOptions } from './options.ts';
import { parseTimeParam } from './params.ts';
import { formatTime } from './query.ts';
import type { Target } from './write.ts';

interface Exemplar {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly ms: number;
}

interface SeriesExemplars {
  readonly labels: Tag[];
  /** By timestamp: the same exemplar found through two selectors is listed once. */
  readonly exemplars: Map<number, Exemplar>;
}

export async function queryExemplars(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const startMs = timeOrDefault(params, 'start', -Infinity);
  const endMs = timeOrDefault(params, 'end', Infinity);
  if (endMs < startMs) throw new PromqlBadDataError('end timestamp must not be before start timestamp');
  const expr = parseQuery(params.get('query') ?? '');
  authorize(ctx, target.database, 'read');
  const router = state.router;
  const found = new Map<string, SeriesExemplars>();
  if (router.hasDatabase(target.database)) {
    const context: QueryContext = { signal: AbortSignal.timeout(options.limits.queryTimeoutMs), maxPoints: options.prometheus.queryMaxSamples };
    const range = nanosecondRange(startMs, endMs);
    const namespace = { database: target.database, retentionPolicy: target.retentionPolicy };
    for (const matchers of selectorsOf(expr)) {
      const nameMatchers = matchers.filter((m) => m.name === MEASUREMENT_NAME);
      const labelMatchers = matchers.filter((m) => m.name !== MEASUREMENT_NAME);
      for (const measurement of router.measurements(target.database)) {
        // Exemplars come with remote write only, where the metric name is the measurement.
        if (router.fieldsOf(namespace, measurement).get(METRIC_EXEMPLAR_FIELD) !== FieldType.String) continue;
        if (!nameMatchers.every((m) => matchesValue(m, measurement))) continue;
        const selection = { ...namespace, matchers: [{ name: MEASUREMENT_NAME, op: '=' as const, value: measurement }, ...labelMatchers], fields: [METRIC_EXEMPLAR_FIELD], range };
        for await (const series of selectSeries(router, selection, context)) {
          let entry = found.get(series.key);
          if (entry === undefined) {
            entry = { labels: labelsOf(measurement, series.tags), exemplars: new Map() };
            found.set(series.key, entry);
          }
          for (const field of series.fields) {
            const column = field.column;
            if (column.type !== FieldType.String) continue;
            const texts = column.values as string[];
            for (let i = 0; i < column.length; i++) {
              const exemplar = decodeExemplar(texts[i]!, column.ms[i]!);
              if (exemplar !== undefined) entry.exemplars.set(exemplar.ms, exemplar);
            }
          }
        }
      }
    }
  }
  const series = [...found.values()].filter((s) => s.exemplars.size > 0).sort((a, b) => compareLabels(a.labels, b.labels));
  respondJson(ctx, `[${series.map(seriesJson).join(',')}]`);
}

function timeOrDefault(params: URLSearchParams, name: string, fallback: number): number {
  const text = params.get(name);
  return text === null || text === '' ? fallback : parseTimeParam(name, text);
}

function parseQuery(text: string): PromqlExpr {
  try {
    return parsePromql(text);
  } catch (err) {
    // Prometheus answers the parse error as is here, without naming the parameter.
    if (err instanceof PromqlParseError) throw new PromqlBadDataError(err.message);
    throw err;
  }
}

/** The matchers of every vector selector in the expression (Prometheus's `ExtractSelectors`). */
function selectorsOf(expr: PromqlExpr): Matcher[][] {
  switch (expr.kind) {
    case 'vector':
      return [[...expr.matchers]];
    case 'matrix':
      return [[...expr.vector.matchers]];
    case 'subquery':
    case 'unary':
    case 'paren':
      return selectorsOf(expr.expr);
    case 'call':
      return expr.args.flatMap(selectorsOf);
    case 'aggregate':
      return [...(expr.param === undefined ? [] : selectorsOf(expr.param)), ...selectorsOf(expr.expr)];
    case 'binary':
      return [...selectorsOf(expr.lhs), ...selectorsOf(expr.rhs)];
    case 'number':
    case 'string':
      return [];
  }
}

function nanosecondRange(startMs: number, endMs: number): TimeRange {
  const clamp = (ns: bigint) => (ns < MIN_TIMESTAMP ? MIN_TIMESTAMP : ns > MAX_TIMESTAMP ? MAX_TIMESTAMP : ns);
  const min = Number.isFinite(startMs) ? clamp(BigInt(Math.ceil(startMs)) * 1_000_000n) : MIN_TIMESTAMP;
  const max = Number.isFinite(endMs) ? clamp(BigInt(Math.floor(endMs)) * 1_000_000n + 999_999n) : MAX_TIMESTAMP;
  return { min, max };
}

/** One stored exemplar; anything else in the field (written there by hand through line protocol) is skipped. */
function decodeExemplar(text: string, ms: number): Exemplar | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { labels, value } = parsed as { labels?: unknown; value?: unknown };
  if (typeof labels !== 'object' || labels === null) return undefined;
  // JSON has no NaN or infinities: JSON.stringify wrote them as null.
  const number = typeof value === 'number' ? value : NaN;
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') strings[k] = v;
  return { labels: strings, value: number, ms };
}

function seriesJson(series: SeriesExemplars): string {
  const exemplars = [...series.exemplars.values()].sort((a, b) => a.ms - b.ms);
  const parts = exemplars.map((e) => {
    const labels = Object.entries(e.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value }));
    return `{"labels":${labelsJson(labels)},"value":"${formatFloat(e.value)}","timestamp":${formatTime(e.ms)}}`;
  });
  return `{"seriesLabels":${labelsJson(series.labels)},"exemplars":[${parts.join(',')}]}`;
}
