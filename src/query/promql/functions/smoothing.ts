import { PromqlFunctionArgError, formatGoFloat } from './errors.ts';
import type { RangeWindow } from './window.ts';

/**
 * double_exponential_smoothing (holt_winters before Prometheus 3): Holt's linear method with
 * smoothing factor args[0] and trend factor args[1], both strictly between 0 and 1. The factors
 * are checked before the samples are counted, so a bad factor fails even on a short series; a NaN
 * factor passes the check (as in Prometheus) and yields NaN.
 */
export function doubleExponentialSmoothing(w: RangeWindow, args: readonly number[]): number | undefined {
  const sf = args[0];
  const tf = args[1];
  if (sf === undefined || tf === undefined) return undefined;
  if (sf <= 0 || sf >= 1) {
    throw new PromqlFunctionArgError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoFloat(sf)}`);
  }
  if (tf <= 0 || tf >= 1) {
    throw new PromqlFunctionArgError(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoFloat(tf)}`);
  }
  const { values, from, to } = w;
  if (to - from < 2) return undefined;

  // s1 is the smoothed value, s0 the previous one, b the trend, seeded with the first difference.
  let s0 = 0;
  let s1 = values[from];
  let b = values[from + 1] - values[from];
  for (let i = from + 1; i < to; i++) {
    const x = sf * values[i];
    // The seeded trend is used as is for the first step.
    if (i > from + 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}
