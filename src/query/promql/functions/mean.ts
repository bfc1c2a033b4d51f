import { KahanSum } from './kahan.ts';

/**
 * The mean of values[from..to) as Prometheus 3 computes avg and avg_over_time: a Kahan-compensated
 * sum divided by the count, which is the most accurate, until the sum would overflow; from then on
 * an incremental mean (each value scaled by 1/count before it is added), which cannot overflow.
 * Empty input gives NaN.
 */
export function meanOf(values: ArrayLike<number>, from: number, to: number): number {
  if (to <= from) return NaN;
  const acc = new KahanSum();
  acc.sum = values[from];
  let count = 1;
  let incremental = false;
  for (let i = from + 1; i < to; i++) {
    const v = values[i];
    count++;
    if (!incremental) {
      const sum = acc.sum;
      const c = acc.c;
      acc.add(v);
      if (acc.sum !== Infinity && acc.sum !== -Infinity) continue;
      // Switch over, turning the sum of the values so far into their mean.
      incremental = true;
      acc.reset(sum / (count - 1), c / (count - 1));
    }
    const q = (count - 1) / count;
    acc.reset(q * acc.sum, q * acc.c);
    acc.add(v / count);
  }
  return incremental ? acc.sum + acc.c : acc.sum / count + acc.c / count;
}
