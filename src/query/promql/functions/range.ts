import { changes, extrapolatedRate, instantValue, resets } from './rate.ts';
import * as overTime from './over_time.ts';
import { deriv, predictLinear } from './regression.ts';
import { doubleExponentialSmoothing } from './smoothing.ts';
import type { RangeFunction } from './window.ts';

/** Every function taking a range vector, except absent_over_time (which needs labels). */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['deriv', deriv],
  ['predict_linear', predictLinear],
  ['double_exponential_smoothing', doubleExponentialSmoothing],
  ['changes', changes],
  ['resets', resets],
  ['avg_over_time', overTime.avgOverTime],
  ['min_over_time', overTime.minOverTime],
  ['max_over_time', overTime.maxOverTime],
  ['sum_over_time', overTime.sumOverTime],
  ['count_over_time', overTime.countOverTime],
  ['last_over_time', overTime.lastOverTime],
  ['first_over_time', overTime.firstOverTime],
  ['quantile_over_time', overTime.quantileOverTime],
  ['stddev_over_time', overTime.stddevOverTime],
  ['stdvar_over_time', overTime.stdvarOverTime],
  ['mad_over_time', overTime.madOverTime],
  ['present_over_time', overTime.presentOverTime],
  ['ts_of_min_over_time', overTime.tsOfMinOverTime],
  ['ts_of_max_over_time', overTime.tsOfMaxOverTime],
  ['ts_of_first_over_time', overTime.tsOfFirstOverTime],
  ['ts_of_last_over_time', overTime.tsOfLastOverTime],
]);
