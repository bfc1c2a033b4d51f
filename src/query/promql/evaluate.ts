/**
 * The PromQL evaluator. Each node of the expression is evaluated once for every step of the query
 * together (see values.ts), selectors read their series once for the whole span, and subqueries
 * evaluate their expression once over all the inner steps their windows need.
 */
import type { Matcher } from '../../index/index.ts';
import type { AtModifier, Expr, MatrixSelector, Subquery, VectorSelector } from './ast.ts';
import { aggregate } from './aggregate.ts';
import { binary } from './binary.ts';
import { callFunction, type RangeArg } from './calls.ts';
import { PromqlExecutionError } from './errors.ts';
import { withoutName } from './labels.ts';
import { instantSeries, withoutStaleMarkers, windowBounds } from './selectors.ts';
import { mergeByLabels, newStepSeries, nonEmpty, stepsOf, stepTime, type SampleSeries, type Steps, type Value, type VectorValue } from './values.ts';

/** Where selectors read: every series the matchers select, with its samples in [minMs, maxMs]. */
export interface SeriesSource {
  select(matchers: readonly Matcher[], minMs: number, maxMs: number): Promise<SampleSeries[]>;
}

export interface EvalOptions {
  /** How far back an instant selector looks for a sample (Prometheus's --query.lookback-delta, 5 m). */
  readonly lookbackMs: number;
  /** The most samples a query may hold (Prometheus's --query.max-samples). */
  readonly maxSamples: number;
  /** The most series its selectors may select, all together. */
  readonly maxSeries: number;
  /** A subquery's step when it gives none: Prometheus's evaluation interval, 1 m. */
  readonly defaultStepMs: number;
  readonly signal: AbortSignal;
}

export const DEFAULT_EVAL_OPTIONS: Omit<EvalOptions, 'signal'> = { lookbackMs: 5 * 60_000, maxSamples: 50_000_000, maxSeries: 1_000_000, defaultStepMs: 60_000 };

export class TooManySamplesError extends PromqlExecutionError {
  constructor() {
    super('query processing would load too many samples into memory in query execution');
  }
}

export class TooManySeriesError extends PromqlExecutionError {
  constructor(limit: number) {
    super(`query would select more than ${limit} series (query_max_series)`);
  }
}

export class Evaluator {
  private samples = 0;
  private series = 0;

  constructor(
    private readonly source: SeriesSource,
    private readonly options: EvalOptions,
    /** The query's own span, which `@ start()` and `@ end()` refer to. */
    private readonly query: Steps,
  ) {}

  async evaluate(expr: Expr, steps: Steps): Promise<Value> {
    this.options.signal.throwIfAborted();
    switch (expr.kind) {
      case 'number':
        return { type: 'scalar', values: new Float64Array(steps.count).fill(expr.value) };
      case 'string':
        return { type: 'string', value: expr.value };
      case 'paren':
        return this.evaluate(expr.expr, steps);
      case 'unary': {
        const value = await this.evaluate(expr.expr, steps);
        if (expr.op === '+') return value;
        if (value.type === 'scalar') return { type: 'scalar', values: value.values.map((v) => -v) };
        if (value.type !== 'vector') throw new PromqlExecutionError(`unary minus on ${value.type}`);
        return { type: 'vector', series: mergeByLabels(value.series.map((s) => ({ labels: withoutName(s.labels), values: s.values.map((v) => -v), present: s.present }))) };
      }
      case 'vector':
        return this.vectorSelector(expr, steps);
      case 'matrix':
      case 'subquery': {
        const arg = await this.rangeArg(expr, steps);
        return { type: 'matrix', series: arg.series.flatMap((s) => windowOf(s, arg.ends[arg.ends.length - 1]!, arg.rangeMs)) };
      }
      case 'call': {
        const args: Array<Value | RangeArg> = [];
        for (const a of expr.args) args.push(a.kind === 'matrix' || a.kind === 'subquery' ? await this.rangeArg(a, steps) : await this.evaluate(a, steps));
        const sampleTimes = expr.func === 'timestamp' ? await this.sampleTimes(expr.args[0]!, steps) : undefined;
        return this.counted(callFunction(expr, args, steps, sampleTimes));
      }
      case 'aggregate': {
        const input = (await this.evaluate(expr.expr, steps)) as VectorValue;
        const param = expr.param === undefined ? undefined : await this.evaluate(expr.param, steps);
        return this.counted(aggregate(expr, input, param, steps));
      }
      case 'binary': {
        const lhs = await this.evaluate(expr.lhs, steps);
        const rhs = await this.evaluate(expr.rhs, steps);
        return this.counted(binary(expr, lhs, rhs, steps));
      }
    }
  }

  /** The times a selector or subquery reads at for each step: `@` fixes them, `offset` moves them back. */
  private evalTimes(at: AtModifier | undefined, offsetMs: number, steps: Steps): Float64Array {
    const times = new Float64Array(steps.count);
    const fixed = at === undefined ? undefined : at.kind === 'time' ? at.ms : at.kind === 'start' ? this.query.startMs : this.query.endMs;
    for (let i = 0; i < steps.count; i++) times[i] = (fixed ?? stepTime(steps, i)) - offsetMs;
    return times;
  }

  private async vectorSelector(selector: VectorSelector, steps: Steps, sampleTimes?: Float64Array[]): Promise<VectorValue> {
    const times = this.evalTimes(selector.at, selector.offsetMs, steps);
    const [min, max] = extent(times);
    const found = await this.select(selector.matchers, min - this.options.lookbackMs, max);
    const series = [];
    for (const s of found) {
      const out = newStepSeries(s.labels, steps.count);
      const taken = sampleTimes === undefined ? undefined : new Float64Array(steps.count);
      instantSeries(s, times, this.options.lookbackMs, out, taken);
      if (!out.present.includes(1)) continue;
      series.push(out);
      if (taken !== undefined) sampleTimes!.push(taken);
    }
    return this.counted({ type: 'vector', series });
  }

  /**
   * `timestamp(v)`: for a selector, the times of the samples it took (Prometheus 3); for anything
   * else, the evaluation times, which callFunction uses when this is undefined.
   */
  private async sampleTimes(arg: Expr, steps: Steps): Promise<Float64Array[] | undefined> {
    let inner = arg;
    while (inner.kind === 'paren') inner = inner.expr;
    if (inner.kind !== 'vector') return undefined;
    const times: Float64Array[] = [];
    await this.vectorSelector(inner, steps, times);
    return times;
  }

  /** A range vector argument: each series' samples, and the end of its window at every step. */
  async rangeArg(expr: MatrixSelector | Subquery, steps: Steps): Promise<RangeArg> {
    if (expr.kind === 'matrix') {
      const ends = this.evalTimes(expr.vector.at, expr.vector.offsetMs, steps);
      const [min, max] = extent(ends);
      const series = (await this.select(expr.vector.matchers, min - expr.rangeMs, max)).map(withoutStaleMarkers);
      return { series, ends, rangeMs: expr.rangeMs };
    }
    const ends = this.evalTimes(expr.at, expr.offsetMs, steps);
    const [min, max] = extent(ends);
    // Without a step of its own, a subquery takes the evaluation interval (1 m), not the query's step.
    const stepMs = expr.stepMs > 0 ? expr.stepMs : this.options.defaultStepMs;
    // Inner steps are multiples of the step, the first one inside the earliest window.
    let start = Math.floor((min - expr.rangeMs) / stepMs) * stepMs;
    if (start <= min - expr.rangeMs) start += stepMs;
    if (start > max) return { series: [], ends, rangeMs: expr.rangeMs };
    const inner = stepsOf(start, max, stepMs);
    const value = (await this.evaluate(expr.expr, inner)) as VectorValue;
    const series = value.series.map((s) => {
      const ms: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < inner.count; i++) {
        if (s.present[i] === 0) continue;
        ms.push(stepTime(inner, i));
        values.push(s.values[i]!);
      }
      return { labels: s.labels, ms: Float64Array.from(ms), values: Float64Array.from(values) };
    });
    return { series, ends, rangeMs: expr.rangeMs };
  }

  private async select(matchers: readonly Matcher[], minMs: number, maxMs: number): Promise<SampleSeries[]> {
    const series = await this.source.select(matchers, minMs, maxMs);
    this.series += series.length;
    if (this.series > this.options.maxSeries) throw new TooManySeriesError(this.options.maxSeries);
    for (const s of series) this.count(s.ms.length);
    return series;
  }

  private counted<V extends Value>(value: V): V {
    if (value.type === 'vector') for (const s of value.series) this.count(s.values.length);
    return value;
  }

  private count(samples: number): void {
    this.samples += samples;
    if (this.samples > this.options.maxSamples) throw new TooManySamplesError();
  }
}

function extent(times: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [min, max];
}

/** The samples of `series` in (endMs - rangeMs, endMs], as a series of their own; none when empty. */
function windowOf(series: SampleSeries, endMs: number, rangeMs: number): SampleSeries[] {
  const [from, to] = windowBounds(series.ms, endMs, rangeMs);
  if (from === to) return [];
  return [{ labels: series.labels, ms: series.ms.slice(from, to), values: series.values.slice(from, to) }];
}

/** Drops series absent at every step: a range query answers only series with points. */
export function presentSeries(value: Value): Value {
  return value.type === 'vector' ? { type: 'vector', series: nonEmpty(value.series) } : value;
}
