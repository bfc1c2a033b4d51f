import { PromqlExecutionError } from '../errors.ts';

/**
 * A scalar argument a function refuses, such as a smoothing factor outside (0, 1). Prometheus
 * raises these while evaluating, so the API answers 422 with errorType `execution`; the message
 * is Prometheus's own, number formatting included.
 */
export class PromqlFunctionArgError extends PromqlExecutionError {}

/** Formats `x` as Go's `%f` verb does: six decimals, and `NaN`, `+Inf`, `-Inf`, `-0.000000`. */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Object.is(x, -0)) return '-0.000000';
  // toFixed switches to exponent notation from 1e21 on; such doubles are integers anyway.
  if (Math.abs(x) >= 1e21) return `${BigInt(x)}.000000`;
  return x.toFixed(6);
}
