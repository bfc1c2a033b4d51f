/**
 * Sorts `a` ascending in the order Prometheus's `vectorByValueHeap` gives samples: NaN before every
 * number. (A typed array's own sort puts NaN last, so the NaNs are moved to the front afterwards.)
 */
export function sortNaNFirst(a: Float64Array): void {
  a.sort();
  let nanCount = 0;
  for (let i = a.length - 1; i >= 0 && Number.isNaN(a[i]); i--) nanCount++;
  if (nanCount > 0 && nanCount < a.length) {
    a.copyWithin(nanCount, 0, a.length - nanCount);
    a.fill(NaN, 0, nanCount);
  }
}

/**
 * The φ-quantile of values already sorted by `sortNaNFirst`, interpolating linearly between the two
 * nearest ranks (Prometheus's `quantile`). φ < 0 gives -Inf, φ > 1 +Inf, NaN or no values NaN.
 */
export function quantileOfSorted(q: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  // Both terms are always computed, as Prometheus does: 0 * Inf is NaN there too.
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}
