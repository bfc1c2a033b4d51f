/**
 * Transformations: a stream of points in, a stream out, over raw points (no GROUP BY time) or over
 * an aggregate's per-bucket values. The input is in the query's order, so ORDER BY time DESC runs
 * them backwards, as influxd does.
 *
 * influxd's rules, checked against influxd 1.6:
 * - derivative, non_negative_derivative, difference and non_negative_difference use the first of
 *   several points at one time and skip the others; cumulative_sum, moving_average and elapsed use
 *   every point;
 * - derivative is `diff / (elapsed / unit)`, elapsed counted forwards in the query's order, a
 *   float; non_negative_* drop a negative difference (the next output is still taken from this
 *   point);
 * - difference and cumulative_sum keep the type (int64 wraps); moving_average is a float emitted
 *   once N points are in the window; elapsed is an integer `(t - tPrev) / unit`;
 * - the technical analysis functions (technical.ts) use every point and are floats.
 */
import { FieldType } from '../core/index.ts';
import type { TransformName } from './compile.ts';
import type { ResultValue } from './plan.ts';
import { Points } from './points.ts';
import { indicator, isTechnical, type TechnicalOptions } from './technical.ts';

export function resultTypeOf(fn: TransformName, input: FieldType): FieldType {
  switch (fn) {
    case 'derivative':
    case 'non_negative_derivative':
    case 'moving_average':
      return FieldType.Float;
    case 'elapsed':
      return FieldType.Integer;
    default:
      return isTechnical(fn) ? FieldType.Float : input;
  }
}

export interface TransformOptions {
  /** Unit of derivative and elapsed, in ns. */
  readonly unit: number;
  /** moving_average's window, a technical function's period. */
  readonly n: number;
  /** Set for the technical functions (the compiler resolves it for each). */
  readonly technical?: TechnicalOptions;
  readonly desc: boolean;
}

const asNumber = (v: ResultValue): number => (typeof v === 'bigint' ? Number(v) : (v as number));

export function transform(fn: TransformName, input: Points, opts: TransformOptions): Points {
  const out = new Points(resultTypeOf(fn, input.type), input.length);
  const n = input.length;
  const { ms, sub, bucket, values } = input;
  const wrap = input.type === FieldType.Unsigned ? (x: bigint) => BigInt.asUintN(64, x) : (x: bigint) => BigInt.asIntN(64, x);
  const sameTime = (i: number, j: number): boolean => ms[i] === ms[j] && sub[i] === sub[j];
  // Elapsed ns from point j to point i: exact for gaps under 2^53 ns.
  const elapsed = (i: number, j: number): number => (ms[i]! - ms[j]!) * 1e6 + (sub[i]! - sub[j]!);
  switch (fn) {
    case 'derivative':
    case 'non_negative_derivative': {
      let prev = -1;
      for (let i = 0; i < n; i++) {
        if (prev >= 0 && sameTime(i, prev)) continue;
        if (prev >= 0) {
          const a = values[prev]!;
          const b = values[i]!;
          const diff = typeof a === 'bigint' ? Number((b as bigint) - a) : (b as number) - (a as number);
          let dt = elapsed(i, prev);
          if (opts.desc) dt = -dt;
          if (!(fn === 'non_negative_derivative' && diff < 0)) out.push(ms[i]!, sub[i]!, bucket[i]!, diff / (dt / opts.unit));
        }
        prev = i;
      }
      return out;
    }
    case 'difference':
    case 'non_negative_difference': {
      let prev = -1;
      for (let i = 0; i < n; i++) {
        if (prev >= 0 && sameTime(i, prev)) continue;
        if (prev >= 0) {
          const a = values[prev]!;
          const b = values[i]!;
          const negative = b < a;
          const diff = typeof a === 'bigint' ? wrap((b as bigint) - a) : (b as number) - (a as number);
          if (!(fn === 'non_negative_difference' && negative)) out.push(ms[i]!, sub[i]!, bucket[i]!, diff);
        }
        prev = i;
      }
      return out;
    }
    case 'cumulative_sum': {
      if (n === 0) return out;
      let sum = values[0]!;
      out.push(ms[0]!, sub[0]!, bucket[0]!, sum);
      for (let i = 1; i < n; i++) {
        sum = typeof sum === 'bigint' ? wrap(sum + (values[i] as bigint)) : (sum as number) + (values[i] as number);
        out.push(ms[i]!, sub[i]!, bucket[i]!, sum);
      }
      return out;
    }
    case 'moving_average': {
      const window = new Float64Array(opts.n);
      let filled = 0;
      let at = 0;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = asNumber(values[i]!);
        if (filled < opts.n) filled++;
        else sum -= window[at]!;
        window[at] = v;
        sum += v;
        at = (at + 1) % opts.n;
        if (filled === opts.n) out.push(ms[i]!, sub[i]!, bucket[i]!, sum / opts.n);
      }
      return out;
    }
    case 'elapsed': {
      for (let i = 1; i < n; i++) {
        const dt = elapsed(i, i - 1);
        const value = Math.abs(dt) < Number.MAX_SAFE_INTEGER ? BigInt(Math.trunc(dt / opts.unit)) : (input.timeAt(i) - input.timeAt(i - 1)) / BigInt(opts.unit);
        out.push(ms[i]!, sub[i]!, bucket[i]!, value);
      }
      return out;
    }
    default: {
      const { hold, warmup } = opts.technical!;
      const next = indicator(fn, opts.n, warmup);
      for (let i = 0; i < n; i++) {
        const v = next(asNumber(values[i]!));
        if (i >= hold) out.push(ms[i]!, sub[i]!, bucket[i]!, v);
      }
      return out;
    }
  }
}
