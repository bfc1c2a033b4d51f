/**
 * The numeric side of PromQL's functions and aggregations, following Prometheus 3 (promql/
 * functions.go, quantile.go, engine.go) value for value. Pure: labels, series matching and
 * annotations are the evaluator's business.
 */
export type { RangeWindow, RangeFunction } from './window.ts';
export { dropsOf } from './window.ts';
export { RANGE_FUNCTIONS } from './range.ts';
export type { ValueFunction } from './instant.ts';
export { VALUE_FUNCTIONS, clampOutputsNothing } from './instant.ts';
export type { ClassicBucket, ClassicQuantileResult } from './histogram.ts';
export { classicHistogramQuantile, classicHistogramQuantileInfo } from './histogram.ts';
export { quantileOf, avgOf, stddevOf, stdvarOf } from './aggregate.ts';
export { KahanSum } from './kahan.ts';
export { PromqlFunctionArgError } from './errors.ts';
