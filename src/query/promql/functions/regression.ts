import { KahanSum } from './kahan.ts';
import type { RangeWindow } from './window.ts';

/** The result of `linearRegression`, reused between calls to spare an allocation per step. */
const fit = { slope: 0, intercept: 0 };

/**
 * Least-squares fit of value over time (seconds relative to `interceptMs`), with Kahan-compensated
 * sums (Prometheus's `linearRegression`). Measuring time from a nearby instant keeps x small, which
 * is what keeps x² accurate. A constant series gives slope 0 exactly, or NaN when it is infinite.
 */
function linearRegression(w: RangeWindow, interceptMs: number): typeof fit {
  const { ms, values, from, to } = w;
  const sumX = new KahanSum();
  const sumY = new KahanSum();
  const sumXY = new KahanSum();
  const sumX2 = new KahanSum();
  const initY = values[from];
  let constY = true;
  for (let i = from; i < to; i++) {
    const y = values[i];
    if (constY && i > from && y !== initY) constY = false;
    const x = (ms[i] - interceptMs) / 1e3;
    sumX.add(x);
    sumY.add(y);
    sumXY.add(x * y);
    sumX2.add(x * x);
  }
  if (constY) {
    const infinite = initY === Infinity || initY === -Infinity;
    fit.slope = infinite ? NaN : 0;
    fit.intercept = infinite ? NaN : initY;
    return fit;
  }
  const n = to - from;
  const sx = sumX.sum + sumX.c;
  const sy = sumY.sum + sumY.c;
  const sxy = sumXY.sum + sumXY.c;
  const sx2 = sumX2.sum + sumX2.c;
  const covXY = sxy - (sx * sy) / n;
  const varX = sx2 - (sx * sx) / n;
  fit.slope = covXY / varX;
  fit.intercept = sy / n - (fit.slope * sx) / n;
  return fit;
}

/** deriv: the per-second slope of the least-squares line; needs two samples. */
export function deriv(w: RangeWindow): number | undefined {
  if (w.to - w.from < 2) return undefined;
  // Time is measured from the first sample, near the values in use (Prometheus issue 2674).
  return linearRegression(w, w.ms[w.from]).slope;
}

/** predict_linear: the least-squares line's value args[0] seconds after the evaluation time. */
export function predictLinear(w: RangeWindow, args: readonly number[]): number | undefined {
  const seconds = args[0];
  if (seconds === undefined || w.to - w.from < 2) return undefined;
  const { slope, intercept } = linearRegression(w, w.evalMs ?? w.endMs);
  return slope * seconds + intercept;
}
