/**
 * What expressions evaluate to. An expression is evaluated once for all the steps of a query
 * (an instant query has one step), so a vector is a set of series with a value per step, and
 * a series can be absent at some steps: `present` says where, since NaN is a value like any other.
 */
import { PromqlExecutionError } from './errors.ts';
import { labelsKey, type Labels } from './labels.ts';

/** The evaluation times: `startMs + i * stepMs` for `i` below `steps`. */
export interface Steps {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly count: number;
}

export function stepsOf(startMs: number, endMs: number, stepMs: number): Steps {
  return { startMs, endMs, stepMs, count: Math.floor((endMs - startMs) / stepMs) + 1 };
}

export function stepTime(steps: Steps, i: number): number {
  return steps.startMs + i * steps.stepMs;
}

export interface StepSeries {
  labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
}

export function newStepSeries(labels: Labels, steps: number): StepSeries {
  return { labels, values: new Float64Array(steps), present: new Uint8Array(steps) };
}

/** Samples of one series, ascending in time: what a range vector holds per series. */
export interface SampleSeries {
  readonly labels: Labels;
  readonly ms: Float64Array;
  readonly values: Float64Array;
}

export interface ScalarValue {
  readonly type: 'scalar';
  readonly values: Float64Array;
}

export interface StringValue {
  readonly type: 'string';
  readonly value: string;
}

export interface VectorValue {
  readonly type: 'vector';
  readonly series: StepSeries[];
}

/** A range vector as a query result (an instant query of `x[5m]` or a subquery). */
export interface MatrixValue {
  readonly type: 'matrix';
  readonly series: SampleSeries[];
}

export type Value = ScalarValue | StringValue | VectorValue | MatrixValue;

const VECTOR_DUPLICATE = 'vector cannot contain metrics with the same labelset';

/**
 * Series with equal label sets joined into one, as Prometheus joins a step's output by label
 * set: an operation that dropped the metric name may leave two series with the same labels,
 * which is fine at different steps and an error at the same step.
 */
export function mergeByLabels(series: StepSeries[]): StepSeries[] {
  if (series.length < 2) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = labelsKey(s.labels);
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.present.length; i++) {
      if (s.present[i] === 0) continue;
      if (seen.present[i] === 1) throw new PromqlExecutionError(VECTOR_DUPLICATE);
      seen.present[i] = 1;
      seen.values[i] = s.values[i]!;
    }
  }
  return out;
}

/** Series present at one step at least; the others are no answer at all. */
export function nonEmpty(series: StepSeries[]): StepSeries[] {
  return series.filter((s) => s.present.includes(1));
}
