import * as calendar from './calendar.ts';

/**
 * A function applied to each float sample of an instant vector: f(value, args), where args are the
 * extra scalar arguments (clamp's min and max, clamp_min's min, clamp_max's max, round's
 * to_nearest). The date functions take the value as a Unix time in seconds.
 */
export type ValueFunction = (value: number, args: readonly number[]) => number;

/**
 * clamp with max < min outputs no series at all in Prometheus, rather than NaN; the evaluator asks
 * this before applying clamp. (A NaN bound passes and gives NaN.)
 */
export function clampOutputsNothing(min: number, max: number): boolean {
  return max < min;
}

function clamp(v: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, v));
}

/** Ties round up, towards +Inf; dividing by the inverse loses less precision than multiplying. */
function round(v: number, args: readonly number[]): number {
  const inverse = 1 / (args[0] ?? 1);
  return Math.floor(v * inverse + 0.5) / inverse;
}

function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

export const VALUE_FUNCTIONS: ReadonlyMap<string, ValueFunction> = new Map<string, ValueFunction>([
  ['abs', (v) => Math.abs(v)],
  ['ceil', (v) => Math.ceil(v)],
  ['floor', (v) => Math.floor(v)],
  ['exp', (v) => Math.exp(v)],
  ['sqrt', (v) => Math.sqrt(v)],
  ['ln', (v) => Math.log(v)],
  ['log2', (v) => Math.log2(v)],
  ['log10', (v) => Math.log10(v)],
  ['sgn', (v) => sgn(v)],
  ['round', round],
  ['clamp', (v, args) => clamp(v, args[0] ?? NaN, args[1] ?? NaN)],
  ['clamp_min', (v, args) => clamp(v, args[0] ?? NaN, Infinity)],
  ['clamp_max', (v, args) => clamp(v, -Infinity, args[0] ?? NaN)],
  ['acos', (v) => Math.acos(v)],
  ['acosh', (v) => Math.acosh(v)],
  ['asin', (v) => Math.asin(v)],
  ['asinh', (v) => Math.asinh(v)],
  ['atan', (v) => Math.atan(v)],
  ['atanh', (v) => Math.atanh(v)],
  ['cos', (v) => Math.cos(v)],
  ['cosh', (v) => Math.cosh(v)],
  ['sin', (v) => Math.sin(v)],
  ['sinh', (v) => Math.sinh(v)],
  ['tan', (v) => Math.tan(v)],
  ['tanh', (v) => Math.tanh(v)],
  ['deg', (v) => (v * 180) / Math.PI],
  ['rad', (v) => (v * Math.PI) / 180],
  ['day_of_month', calendar.dayOfMonth],
  ['day_of_week', calendar.dayOfWeek],
  ['day_of_year', calendar.dayOfYear],
  ['days_in_month', calendar.daysInMonth],
  ['hour', calendar.hour],
  ['minute', calendar.minute],
  ['month', calendar.month],
  ['year', calendar.year],
]);
