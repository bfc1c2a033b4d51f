/** One bucket of a classic histogram: its `le` bound and its cumulative count. */
export interface ClassicBucket {
  readonly upperBound: number;
  readonly count: number;
}

/** What `classicHistogramQuantileInfo` reports besides the value, for Prometheus's info annotations. */
export interface ClassicQuantileResult {
  value: number;
  /** Some count was lower than a lower bucket's and was raised to it ("needed to be fixed for monotonicity"). */
  forcedMonotonic: boolean;
  /** Some counts differed by less than one part in 10¹² and were taken as equal (float noise). */
  fixedPrecision: boolean;
}

/**
 * Relative difference between neighbouring cumulative counts that is taken for float noise and
 * ignored (Prometheus's `smallDeltaTolerance`).
 */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * histogram_quantile over classic buckets (Prometheus's `BucketQuantile`): buckets in any order;
 * the +Inf bucket is required; buckets with equal bounds (le="0.2" and le="2e-1") are merged by
 * adding their counts; decreasing counts are raised to the envelope; the quantile is interpolated
 * linearly inside its bucket, from 0 in the lowest bucket when its bound is positive, and a quantile
 * in the +Inf bucket is the highest finite bound.
 */
export function classicHistogramQuantile(q: number, buckets: readonly ClassicBucket[]): number {
  return classicHistogramQuantileInfo(q, buckets).value;
}

export function classicHistogramQuantileInfo(q: number, buckets: readonly ClassicBucket[]): ClassicQuantileResult {
  const result: ClassicQuantileResult = { value: NaN, forcedMonotonic: false, fixedPrecision: false };
  if (Number.isNaN(q)) return result;
  if (q < 0) return { ...result, value: -Infinity };
  if (q > 1) return { ...result, value: Infinity };
  if (buckets.length === 0) return result;

  // Stable, like Go's insertion sort for the small bucket counts classic histograms have.
  const sorted = [...buckets].sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return result;

  const bounds: number[] = [];
  const counts: number[] = [];
  for (const b of sorted) {
    const last = bounds.length - 1;
    if (last >= 0 && bounds[last] === b.upperBound) counts[last]! += b.count;
    else {
      bounds.push(b.upperBound);
      counts.push(b.count);
    }
  }
  const n = bounds.length;

  // Ignore float noise in either direction, then take the envelope of what is left.
  let prev = counts[0]!;
  for (let i = 1; i < n; i++) {
    const cur = counts[i]!;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, SMALL_DELTA_TOLERANCE)) {
      counts[i] = prev;
      result.fixedPrecision = true;
    } else if (cur < prev) {
      counts[i] = prev;
      result.forcedMonotonic = true;
    } else {
      prev = cur;
    }
  }

  if (n < 2) return { value: NaN, forcedMonotonic: false, fixedPrecision: false };
  const observations = counts[n - 1]!;
  if (observations === 0) return { value: NaN, forcedMonotonic: false, fixedPrecision: false };
  let rank = q * observations;
  const b = searchFirst(n - 1, (i) => counts[i]! >= rank);

  if (b === n - 1) result.value = bounds[n - 2]!;
  else if (b === 0 && bounds[0]! <= 0) result.value = bounds[0]!;
  else {
    let start = 0;
    const end = bounds[b]!;
    let count = counts[b]!;
    if (b > 0) {
      start = bounds[b - 1]!;
      count -= counts[b - 1]!;
      rank -= counts[b - 1]!;
    }
    result.value = start + (end - start) * (rank / count);
  }
  return result;
}

/** Go's `sort.Search`: the first index in [0, n) where `pred` holds, by the same bisection. */
function searchFirst(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Prometheus's `almost.Equal`: a relative comparison that falls back to an absolute one near zero. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}
