import { KahanSum } from './kahan.ts';
import { quantileOfSorted, sortNaNFirst } from './quantile.ts';
import { meanOf } from './mean.ts';
import type { RangeWindow } from './window.ts';

// Each function returns undefined for an empty window: Prometheus outputs no sample then.

export function sumOverTime(w: RangeWindow): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  const sum = new KahanSum();
  for (let i = from; i < to; i++) sum.add(values[i]);
  return sum.value;
}

export function avgOverTime(w: RangeWindow): number | undefined {
  if (w.to <= w.from) return undefined;
  return meanOf(w.values, w.from, w.to);
}

export function countOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? w.to - w.from : undefined;
}

export function presentOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? 1 : undefined;
}

export function lastOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? w.values[w.to - 1] : undefined;
}

export function firstOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? w.values[w.from] : undefined;
}

export function tsOfLastOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? w.ms[w.to - 1] / 1000 : undefined;
}

export function tsOfFirstOverTime(w: RangeWindow): number | undefined {
  return w.to > w.from ? w.ms[w.from] / 1000 : undefined;
}

// The comparisons below replace a NaN extreme by any later sample, so NaN wins only when every
// sample is NaN. The ts_of_ variants use >= and <=, so on a tie they report the latest sample.

export function maxOverTime(w: RangeWindow): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  let max = values[from];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v > max || Number.isNaN(max)) max = v;
  }
  return max;
}

export function minOverTime(w: RangeWindow): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  let min = values[from];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v < min || Number.isNaN(min)) min = v;
  }
  return min;
}

export function tsOfMaxOverTime(w: RangeWindow): number | undefined {
  const { ms, values, from, to } = w;
  if (to <= from) return undefined;
  let max = values[from];
  let at = ms[from];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v >= max || Number.isNaN(max)) {
      max = v;
      at = ms[i];
    }
  }
  return at / 1000;
}

export function tsOfMinOverTime(w: RangeWindow): number | undefined {
  const { ms, values, from, to } = w;
  if (to <= from) return undefined;
  let min = values[from];
  let at = ms[from];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v <= min || Number.isNaN(min)) {
      min = v;
      at = ms[i];
    }
  }
  return at / 1000;
}

/**
 * Population variance by Welford's method with both running terms Kahan-compensated, exactly as
 * Prometheus's `varianceOverTime`: the delta is taken against the compensated mean, before and
 * after the mean's update.
 */
export function stdvarOverTime(w: RangeWindow): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  const mean = new KahanSum();
  const aux = new KahanSum();
  let count = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    count++;
    const delta = v - (mean.sum + mean.c);
    mean.add(delta / count);
    aux.add(delta * (v - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

export function stddevOverTime(w: RangeWindow): number | undefined {
  const variance = stdvarOverTime(w);
  return variance === undefined ? undefined : Math.sqrt(variance);
}

export function quantileOverTime(w: RangeWindow, args: readonly number[]): number | undefined {
  const q = args[0];
  if (q === undefined || w.to <= w.from) return undefined;
  const sorted = w.values.slice(w.from, w.to);
  sortNaNFirst(sorted);
  return quantileOfSorted(q, sorted);
}

/** mad_over_time: the median of the absolute deviations from the median. */
export function madOverTime(w: RangeWindow): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  const scratch = values.slice(from, to);
  sortNaNFirst(scratch);
  const median = quantileOfSorted(0.5, scratch);
  for (let i = from; i < to; i++) scratch[i - from] = Math.abs(values[i] - median);
  sortNaNFirst(scratch);
  return quantileOfSorted(0.5, scratch);
}
