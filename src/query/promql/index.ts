/**
 * PromQL: the parser (official grammar + type checks) and the evaluator, which reads through the
 * shared metric selection. The Prometheus HTTP API in `api/prometheus` is its client.
 */
import { typeOf, type Expr } from './ast.ts';
import { PromqlBadDataError } from './errors.ts';
import { Evaluator, presentSeries, type EvalOptions, type SeriesSource } from './evaluate.ts';
import { stepsOf, type Steps, type Value } from './values.ts';

export { parsePromql, parseSeriesSelector } from './parse.ts';
export { PromqlBadDataError, PromqlParseError, PromqlExecutionError, PromqlTimeoutError } from './errors.ts';
export { DEFAULT_EVAL_OPTIONS, TooManySamplesError, TooManySeriesError, type EvalOptions, type SeriesSource } from './evaluate.ts';
export { metricsSource } from './source.ts';
export { formatFloat, formatFloatPlain } from './format.ts';
export { compareLabels } from './labels.ts';
export { printPromql, prettifyPromql, promqlAstJson, formatDuration, type AstJson } from './print.ts';
export { typeOf, type Expr, type ValueType } from './ast.ts';
export type { Steps, Value, StepSeries, SampleSeries } from './values.ts';

/** An instant query: the expression's value at `timeMs`. */
export async function instantQuery(source: SeriesSource, expr: Expr, timeMs: number, options: EvalOptions): Promise<{ value: Value; steps: Steps }> {
  const steps = stepsOf(timeMs, timeMs, 1);
  const value = await new Evaluator(source, options, steps).evaluate(expr, steps);
  return { value: presentSeries(value), steps };
}

/** A range query: the expression at every step from `startMs` to `endMs`; scalar or instant vector expressions only. */
export async function rangeQuery(source: SeriesSource, expr: Expr, startMs: number, endMs: number, stepMs: number, options: EvalOptions): Promise<{ value: Value; steps: Steps }> {
  const type = typeOf(expr);
  if (type !== 'scalar' && type !== 'vector') {
    throw new PromqlBadDataError(`invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`);
  }
  const steps = stepsOf(startMs, endMs, stepMs);
  const value = await new Evaluator(source, options, steps).evaluate(expr, steps);
  return { value: presentSeries(value), steps };
}
