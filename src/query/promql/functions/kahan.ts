/**
 * Compensated (Kahan-Neumaier) summation as PromQL does it (Prometheus `util/kahansum.Inc`): the
 * running compensation is dropped as soon as the sum becomes infinite, so that an infinite sum is
 * never turned into NaN by adding a compensation of the opposite sign.
 */
export class KahanSum {
  /** The uncompensated running sum. */
  sum = 0;
  /** The accumulated rounding error, added back by `value`. */
  c = 0;

  add(v: number): void {
    const sum = this.sum;
    const t = sum + v;
    if (t === Infinity || t === -Infinity) {
      this.c = 0;
    } else if (Math.abs(sum) >= Math.abs(v)) {
      this.c += sum - t + v;
    } else {
      this.c += v - t + sum;
    }
    this.sum = t;
  }

  get value(): number {
    const sum = this.sum;
    return sum === Infinity || sum === -Infinity ? sum : sum + this.c;
  }

  reset(sum = 0, c = 0): void {
    this.sum = sum;
    this.c = c;
  }
}
