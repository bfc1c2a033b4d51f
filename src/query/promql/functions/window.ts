/**
 * One series' float samples in a range window. Samples are ms[from..to) / values[from..to),
 * ascending times, all within (startMs, endMs] (Prometheus 3's left-open window). Stale markers are
 * already removed.
 */
export interface RangeWindow {
  readonly ms: Float64Array;
  readonly values: Float64Array;
  readonly from: number;
  readonly to: number;
  readonly startMs: number;
  readonly endMs: number;
  /**
   * The evaluation timestamp of the step (Prometheus's `enh.Ts`). It differs from `endMs` under
   * `offset` and `@`; predict_linear predicts relative to it. Defaults to `endMs` when absent.
   */
  readonly evalMs?: number;
  /**
   * Where the series' counter resets are: `drops[i]` is the first index j >= i whose value is
   * below the one before it (values.length when there is none). Lets rate and increase skip the
   * per-sample reset check for windows without a reset, most of them; absent, they check every sample.
   */
  readonly drops?: Int32Array;
}

/** The `drops` of a series' values (see RangeWindow). */
export function dropsOf(values: Float64Array): Int32Array {
  const drops = new Int32Array(values.length + 1);
  let next = values.length;
  drops[values.length] = next;
  for (let i = values.length - 1; i >= 0; i--) {
    if (i > 0 && values[i]! < values[i - 1]!) next = i;
    drops[i] = next;
  }
  return drops;
}

/**
 * A function taking a range vector. `args` are the scalar arguments other than the range vector,
 * in call order (quantile_over_time's φ in args[0], predict_linear's t in args[0],
 * double_exponential_smoothing's sf and tf in args[0] and args[1]). Returns undefined when
 * Prometheus outputs no sample for the series at this step.
 */
export type RangeFunction = (w: RangeWindow, args: readonly number[]) => number | undefined;
