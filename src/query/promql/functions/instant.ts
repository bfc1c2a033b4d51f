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

/** Go's math.Min: an infinity wins over NaN (Math.min gives NaN), and -0 is below 0. */
function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

/** Go's math.Max, likewise. */
function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
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
  ['clamp', (v, args) => goMax(args[0] ?? NaN, goMin(args[1] ?? NaN, v))],
  ['clamp_min', (v, args) => goMax(args[0] ?? NaN, v)],
  ['clamp_max', (v, args) => goMin(args[0] ?? NaN, v)],
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
