import { meanOf } from './mean.ts';
import { quantileOfSorted, sortNaNFirst } from './quantile.ts';

/**
 * The `quantile` aggregation over one group's values: linear interpolation between the nearest
 * ranks, NaN ranked below every number; φ < 0 gives -Inf, φ > 1 +Inf, NaN φ or no values NaN.
 */
export function quantileOf(q: number, values: readonly number[]): number {
  const sorted = Float64Array.from(values);
  sortNaNFirst(sorted);
  return quantileOfSorted(q, sorted);
}

/** The `avg` aggregation: see `meanOf` for how it avoids both rounding error and overflow. */
export function avgOf(values: readonly number[]): number {
  return meanOf(values, 0, values.length);
}

/**
 * The `stdvar` aggregation: population variance by Welford's method, uncompensated as Prometheus
 * computes it for aggregations. A group that starts with NaN or ±Inf has variance NaN.
 */
export function stdvarOf(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  let mean = values[0]!;
  let m2 = Number.isFinite(mean) ? 0 : NaN;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  return m2 / n;
}

export function stddevOf(values: readonly number[]): number {
  return Math.sqrt(stdvarOf(values));
}
