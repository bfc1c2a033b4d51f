/**
 * The Prometheus HTTP query API: `/api/v1/query` and `/api/v1/query_range` (GET, or POST with a
 * form body), answered with Prometheus's envelope and value encoding so that Grafana's Prometheus
 * datasource and API clients read it as Prometheus's own.
 */
import type { Context } from 'koa';
import {
  compareLabels,
  DEFAULT_EVAL_OPTIONS,
  formatFloat,
  formatFloatPlain,
  instantQuery,
  metricsSource,
  parsePromql,
  PromqlBadDataError,
  PromqlParseError,
  PromqlTimeoutError,
  QueryLimitError,
  rangeQuery,
  TooManySamplesError,
  type EvalOptions,
  type PromqlExpr,
  type Steps,
  type SampleSeries,
  type Value,
  type QueryContext,
} from '../../query/index.ts';
import { authorize } from '../auth/index.ts';
import type { ServerState } from '../state.ts';
import { requestParams } from '../params.ts';
import { labelsJson, parseLimitParam, respondJson, TRUNCATED_WARNING } from './envelope.ts';
import { parseDurationParam, parseTime, parseTimeParam } from './params.ts';
import type { PrometheusApiOptions } from './options.ts';
import type { Target } from './write.ts';

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;

export async function query(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const expr = parseQueryParam(params.get('query'));
  const time = params.get('time');
  const timeMs = time === null ? Date.now() : parseTimeParam('time', time);
  const run = runner(ctx, params, target, state, options);
  const limit = parseLimitParam(params);
  const { value, steps } = await run((source, evalOptions) => instantQuery(source, expr, timeMs, evalOptions));
  respond(ctx, value, steps, true, limit);
}

export async function queryRange(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const expr = parseQueryParam(params.get('query'));
  const startMs = parseTime('start', required(params, 'start'));
  const endMs = parseTime('end', required(params, 'end'));
  if (endMs < startMs) throw new PromqlBadDataError('invalid parameter "end": end timestamp must not be before start time');
  const stepMs = parseDurationParam('step', required(params, 'step'));
  if (stepMs <= 0) throw new PromqlBadDataError('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
    throw new PromqlBadDataError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const limit = parseLimitParam(params);
  const run = runner(ctx, params, target, state, options);
  const { value, steps } = await run((source, evalOptions) => rangeQuery(source, expr, startMs, endMs, stepMs, evalOptions));
  respond(ctx, value, steps, false, limit);
}

function parseQueryParam(text: string | null): PromqlExpr {
  try {
    return parsePromql(text ?? '');
  } catch (err) {
    if (err instanceof PromqlParseError) throw new PromqlBadDataError(`invalid parameter "query": ${err.message}`);
    throw err;
  }
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null) throw new PromqlBadDataError(`invalid parameter "${name}": cannot parse "" to a valid ${name === 'step' ? 'duration' : 'timestamp'}`);
  return value;
}

type Run = <T>(evaluate: (source: ReturnType<typeof metricsSource>, options: EvalOptions) => Promise<T>) => Promise<T>;

/** Authorizes the read and sets up the query's limits: `timeout` (capped by the server's), `lookback_delta`. */
function runner(ctx: Context, params: URLSearchParams, target: Target, state: ServerState, options: PrometheusApiOptions): Run {
  authorize(ctx, target.database, 'read');
  const timeout = params.get('timeout');
  const timeoutMs = Math.min(options.limits.queryTimeoutMs, timeout === null ? Infinity : parseDurationParam('timeout', timeout));
  const lookback = params.get('lookback_delta');
  const lookbackMs = lookback === null ? options.prometheus.lookbackDeltaMs : parseDurationParam('lookback_delta', lookback);
  const signal = AbortSignal.timeout(timeoutMs);
  const context: QueryContext = { signal, maxPoints: options.prometheus.queryMaxSamples };
  const evalOptions: EvalOptions = { ...DEFAULT_EVAL_OPTIONS, lookbackMs, maxSamples: options.prometheus.queryMaxSamples, maxSeries: options.prometheus.queryMaxSeries, signal };
  return async (evaluate) => {
    try {
      return await evaluate(metricsSource(state.router, target.database, target.retentionPolicy, context), evalOptions);
    } catch (err) {
      if (signal.aborted) throw new PromqlTimeoutError();
      // The scan's point budget is the same limit as the evaluator's sample count.
      if (err instanceof QueryLimitError) throw new TooManySamplesError();
      throw err;
    }
  };
}

/**
 * Writes the success envelope, with at most `limit` series (Prometheus 3's `limit`; the first ones
 * in the answer's order, a range query's sorted by labels). The JSON is built by hand: values are
 * strings in Prometheus's float format, times seconds with milliseconds.
 */
function respond(ctx: Context, value: Value, steps: Steps, instant: boolean, limit: number): void {
  let shown = value;
  if (!instant && value.type === 'vector') shown = { type: 'vector', series: [...value.series].sort((a, b) => compareLabels(a.labels, b.labels)) };
  const truncated = (shown.type === 'vector' || shown.type === 'matrix') && shown.series.length > limit;
  if (truncated) shown = shown.type === 'vector' ? { type: 'vector', series: shown.series.slice(0, limit) } : { type: 'matrix', series: (shown as { series: SampleSeries[] }).series.slice(0, limit) };
  respondJson(ctx, instant ? instantData(shown, steps) : rangeData(shown, steps), truncated ? [TRUNCATED_WARNING] : []);
}

function instantData(value: Value, steps: Steps): string | Buffer[] {
  const t = formatTime(steps.startMs);
  switch (value.type) {
    case 'scalar':
      // A scalar answer is written in Go's plain 'f' format (Prometheus's Scalar.MarshalJSON), unlike vector and matrix values.
      return `{"resultType":"scalar","result":[${t},"${formatFloatPlain(value.values[0]!)}"]}`;
    case 'string':
      return `{"resultType":"string","result":[${t},${JSON.stringify(value.value)}]}`;
    case 'vector': {
      const parts = value.series.map((s) => `{"metric":${labelsJson(s.labels)},"value":[${t},"${formatFloat(s.values[0]!)}"]}`);
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix':
      return matrixJson(value.series, (s, out) => {
        for (let i = 0; i < s.ms.length; i++) out.point(pointOpening(s.ms[i]!), s.values[i]!);
      });
  }
}

function rangeData(value: Value, steps: Steps): Buffer[] {
  // Every series has its points at the same steps: their times are written once.
  const times = Array.from({ length: steps.count }, (_, i) => pointOpening(steps.startMs + i * steps.stepMs));
  if (value.type === 'scalar') {
    return matrixJson([{ labels: [] }], (_, out) => {
      for (let i = 0; i < steps.count; i++) out.point(times[i]!, value.values[i]!);
    });
  }
  if (value.type !== 'vector') throw new PromqlBadDataError(`invalid expression type "${value.type}" for range query, must be Scalar or instant Vector`);
  return matrixJson(value.series, (s, out) => {
    for (let i = 0; i < steps.count; i++) if (s.present[i] === 1) out.point(times[i]!, s.values[i]!);
  });
}

/**
 * A matrix result as JSON in buffers of about a megabyte, `points` writing each series' points.
 * Points are written as bytes straight into the buffers: as strings, a day of 1,000 series at a
 * 60 s step (1.4 M points, ~50 MB) lived long enough to be promoted, and the garbage collector
 * took as long as everything else together.
 */
function matrixJson<S extends { readonly labels: readonly { key: string; value: string }[] }>(series: readonly S[], points: (s: S, out: JsonBuffers) => void): Buffer[] {
  const out = new JsonBuffers();
  out.ascii('{"resultType":"matrix","result":[');
  series.forEach((s, k) => {
    out.utf8(`${k === 0 ? '' : ','}{"metric":${labelsJson(s.labels)},"values":[`);
    out.firstPoint = true;
    points(s, out);
    out.ascii(']}');
  });
  out.ascii(']}');
  return out.finish();
}

const JSON_BUFFER_BYTES = 1 << 20;

/** Text appended to a list of buffers, each filled before the next is started. */
class JsonBuffers {
  private readonly done: Buffer[] = [];
  private buf = Buffer.allocUnsafe(JSON_BUFFER_BYTES);
  private pos = 0;
  /** Whether the next point is the first of its series (no comma before it). */
  firstPoint = true;

  // The last value written and its text: series often repeat a value from step to step (a gauge
  // at rest, the rate of a steady counter, `up`), and formatting it is the dearest part of a point.
  private lastValue = NaN;
  private lastText = 'NaN';

  /** `[<time>,"<value>"]` (`opening` holds `[<time>,"`), after a comma unless it is the series' first. */
  point(opening: Uint8Array, value: number): void {
    if (this.firstPoint) this.firstPoint = false;
    else this.ascii(',');
    if (this.pos + opening.length > this.buf.length) this.next(opening.length);
    this.buf.set(opening, this.pos);
    this.pos += opening.length;
    if (!Object.is(value, this.lastValue)) {
      this.lastValue = value;
      this.lastText = formatFloat(value);
    }
    this.ascii(this.lastText);
    this.ascii('"]');
  }

  /** Text of one-byte characters only (numbers, times, JSON punctuation). */
  ascii(text: string): void {
    if (this.pos + text.length > this.buf.length) this.next(text.length);
    // A loop here: these texts are a few bytes long, and a call into Buffer.write cost more than the copy.
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  utf8(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.pos + bytes > this.buf.length) this.next(bytes);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  finish(): Buffer[] {
    this.done.push(this.buf.subarray(0, this.pos));
    return this.done;
  }

  private next(bytes: number): void {
    this.done.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(JSON_BUFFER_BYTES, bytes));
    this.pos = 0;
  }
}

/** The start of a point, up to its value: `[<time>,"`. */
function pointOpening(ms: number): Uint8Array {
  return Buffer.from(`[${formatTime(ms)},"`, 'latin1');
}

/** Seconds, with three digits of milliseconds when there are any (`1700000000.500`), as Prometheus writes a timestamp. */
export function formatTime(ms: number): string {
  const negative = ms < 0;
  const abs = Math.abs(ms);
  const seconds = Math.floor(abs / 1000);
  const fraction = abs - seconds * 1000;
  const text = fraction === 0 ? String(seconds) : `${seconds}.${String(fraction).padStart(3, '0')}`;
  return negative ? `-${text}` : text;
}
