// Golden values come from Prometheus 3's promql/promqltest/testdata (functions.test,
// histograms.test, aggregators.test) and promql/engine_test.go; the data is rebuilt here as range
// windows, the way the evaluator hands them over: Prometheus 3's left-open (start, end] windows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  RANGE_FUNCTIONS,
  dropsOf,
  VALUE_FUNCTIONS,
  KahanSum,
  PromqlFunctionArgError,
  avgOf,
  classicHistogramQuantile,
  classicHistogramQuantileInfo,
  clampOutputsNothing,
  quantileOf,
  stddevOf,
  stdvarOf,
  type RangeWindow,
} from '../../../src/query/promql/functions/index.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** True when got equals want to a relative 1e-9 (exact for NaN, infinities and zero). */
function close(got: number | undefined, want: number | undefined, tolerance = 1e-9): boolean {
  if (got === undefined || want === undefined) return got === want;
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want) || want === 0) return got === want;
  return Math.abs(got - want) <= tolerance * Math.abs(want);
}

/**
 * A `load <interval>` series as promqltest writes it: one value per interval from t=0, `_` for a
 * missing sample.
 */
function load(intervalMs: number, values: readonly (number | '_')[]): [number, number][] {
  const samples: [number, number][] = [];
  values.forEach((v, i) => {
    if (v !== '_') samples.push([i * intervalMs, v]);
  });
  return samples;
}

/** promqltest's `a+bxn`: a, a+b, ..., a+n*b. */
function series(start: number, step: number, times: number): number[] {
  return Array.from({ length: times + 1 }, (_, i) => start + i * step);
}

/** The window `f(x[range] offset o)` sees at evalMs: samples in (eval-o-range, eval-o]. */
function windowAt(samples: readonly [number, number][], evalMs: number, rangeMs: number, offsetMs = 0): RangeWindow {
  const endMs = evalMs - offsetMs;
  const startMs = endMs - rangeMs;
  const inside = samples.filter(([t]) => t > startMs && t <= endMs);
  // Padding on both sides checks that functions honour from/to.
  const ms = Float64Array.from([-1, ...inside.map(([t]) => t), 1e15]);
  const values = Float64Array.from([999, ...inside.map(([, v]) => v), -999]);
  return { ms, values, from: 1, to: inside.length + 1, startMs, endMs, evalMs };
}

function callRange(name: string, w: RangeWindow, args: readonly number[] = []): number | undefined {
  const f = RANGE_FUNCTIONS.get(name);
  assert.ok(f, `no range function ${name}`);
  return f(w, args);
}

/** The f-test: one line per case, failing with the query that went wrong. */
function checkRange(
  name: string,
  samples: readonly [number, number][],
  evalMs: number,
  rangeMs: number,
  want: number | undefined,
  args: readonly number[] = [],
  offsetMs = 0,
): void {
  const got = callRange(name, windowAt(samples, evalMs, rangeMs, offsetMs), args);
  assert.ok(close(got, want), `${name}(x[${rangeMs / SECOND}s] offset ${offsetMs / SECOND}s, ${args.join(', ')}) at ${evalMs / SECOND}s: got ${got}, want ${want}`);
}

describe('rate, increase and delta', () => {
  const fiveMin = 5 * MINUTE;
  it('extrapolates to the window boundaries and stops a counter at zero', () => {
    const foo = load(fiveMin, series(0, 10, 10));
    const bar = load(fiveMin, [...series(0, 18, 5), ...series(0, 18, 5)]);
    const dings = load(fiveMin, series(10, 10, 10));
    const bumms = load(fiveMin, series(1, 10, 10));
    checkRange('increase', foo, 50 * MINUTE, 50 * MINUTE, 100);
    checkRange('increase', bar, 50 * MINUTE, 50 * MINUTE, 160);
    checkRange('increase', dings, 50 * MINUTE, 50 * MINUTE, 100);
    checkRange('increase', bumms, 50 * MINUTE, 50 * MINUTE, 100);
    checkRange('increase', foo, 50 * MINUTE, 100 * MINUTE, 100);
    checkRange('increase', bar, 50 * MINUTE, 100 * MINUTE, 162);
    checkRange('increase', dings, 50 * MINUTE, 100 * MINUTE, 105);
    checkRange('increase', bumms, 50 * MINUTE, 100 * MINUTE, 101);
  });

  it('adds back what a counter had before each reset', () => {
    checkRange('increase', load(fiveMin, [0, 1, 2, 3, 2, 3, 4]), 30 * MINUTE, 30 * MINUTE, 7);
    const resetMiddle = load(fiveMin, [...series(0, 27, 4), ...series(0, 27, 5)]);
    checkRange('rate', resetMiddle, 50 * MINUTE, 50 * MINUTE, 0.08);
    const resetEnd = load(fiveMin, [...series(0, 10, 9), 0, 10]);
    checkRange('rate', resetEnd, 50 * MINUTE, 5 * MINUTE, undefined);
    checkRange('rate', resetEnd, 50 * MINUTE, 6 * MINUTE, 0);
  });

  it('divides by the range and honours offset', () => {
    checkRange('rate', load(fiveMin, series(0, 80, 10)), 50 * MINUTE, 50 * MINUTE, 0.26666666666666666);
    checkRange('rate', load(fiveMin, series(0, 10, 10)), 50 * MINUTE, 10 * MINUTE, 0.03333333333333333, [], 5 * MINUTE);
    checkRange('rate', load(fiveMin, series(0, 20, 10)), 50 * MINUTE, 10 * MINUTE, 0.06666666666666667, [], 5 * MINUTE);
  });

  it('cuts the left extrapolation at the zero point, but never beyond half an interval', () => {
    const fourMin = 4 * MINUTE;
    const cases: [number, number, number][] = [
      [0, 0.5, 0.6], [60, 0.55, 0.6], [120, 0.6, 0.6], [180, 0.6, 0.6], [240, 0.6, 0.6], [300, 0.6, 0.6],
    ];
    for (const [start, at10m, at50m] of cases) {
      const counter = load(fourMin, series(start, 240, 10));
      checkRange('rate', counter, 10 * MINUTE, 20 * MINUTE, at10m);
      checkRange('rate', counter, 50 * MINUTE, 20 * MINUTE, at50m);
    }
  });

  it('gives delta without counter handling, and nothing for a single sample', () => {
    checkRange('delta', load(fiveMin, [0, 50, 100, 150, 200]), 20 * MINUTE, 20 * MINUTE, 200);
    checkRange('delta', load(fiveMin, [200, 150, 100, 50, 0]), 20 * MINUTE, 20 * MINUTE, -200);
    checkRange('delta', load(fiveMin, [5]), 0, 5 * MINUTE, undefined);
    checkRange('increase', load(fiveMin, [5]), 0, 5 * MINUTE, undefined);
  });
});

describe('irate and idelta', () => {
  const fiveMin = 5 * MINUTE;
  it('use the last two samples', () => {
    checkRange('irate', load(fiveMin, series(0, 10, 10)), 50 * MINUTE, 50 * MINUTE, 0.03333333333333333);
    checkRange('irate', load(fiveMin, [...series(0, 10, 5), ...series(0, 10, 5)]), 30 * MINUTE, 50 * MINUTE, 0);
    checkRange('idelta', load(fiveMin, [0, 50, 100, 150]), 20 * MINUTE, 20 * MINUTE, 50);
    checkRange('idelta', load(fiveMin, [0, 50, 100, 50]), 20 * MINUTE, 20 * MINUTE, -50);
  });

  it('propagate NaN', () => {
    const nan = load(fiveMin, [1, NaN, NaN, 5, 11]);
    const range = 15 * MINUTE + SECOND;
    const irate = [undefined, NaN, NaN, NaN, 0.02];
    const idelta = [undefined, NaN, NaN, NaN, 6];
    for (let step = 0; step <= 4; step++) {
      checkRange('irate', nan, step * fiveMin, range, irate[step]);
      checkRange('idelta', nan, step * fiveMin, range, idelta[step]);
    }
  });
});

describe('deriv and predict_linear', () => {
  const fiveMin = 5 * MINUTE;
  const resetMiddle = load(fiveMin, [...series(0, 10, 4), ...series(0, 10, 5)]);
  it('fit a least-squares line', () => {
    checkRange('deriv', load(fiveMin, series(0, 80, 10)), 50 * MINUTE, 50 * MINUTE, 0.26666666666666666);
    checkRange('deriv', resetMiddle, 50 * MINUTE, 100 * MINUTE, 0.010606060606060607);
    checkRange('predict_linear', resetMiddle, 50 * MINUTE, 50 * MINUTE, 70, [3600]);
  });

  it('predict from the evaluation time, not from the end of an @-shifted window', () => {
    // predict_linear(x[55m] @ 3000, 3600) evaluated at 50m, 10m and 70m.
    for (const [evalMin, want] of [[50, 76.81818181818181], [10, 51.36363636363637], [70, 89.54545454545455]] as const) {
      const w = { ...windowAt(resetMiddle, 3000 * SECOND, 55 * MINUTE), evalMs: evalMin * MINUTE };
      const got = callRange('predict_linear', w, [3600]);
      assert.ok(close(got, want), `at ${evalMin}m: got ${got}, want ${want}`);
    }
  });

  it('give NaN when an infinity is in the range, and nothing for one sample', () => {
    const inf = load(fiveMin, [-Infinity, ...series(0, 80, 10), Infinity]);
    checkRange('deriv', inf, 100 * MINUTE, 100 * MINUTE, NaN);
    checkRange('predict_linear', inf, 100 * MINUTE, 100 * MINUTE, NaN, [6000]);
    checkRange('deriv', load(fiveMin, [Infinity, Infinity]), 5 * MINUTE, 10 * MINUTE, NaN);
    checkRange('deriv', load(fiveMin, [3, 3, 3]), 10 * MINUTE, 20 * MINUTE, 0);
    checkRange('deriv', load(fiveMin, [3]), 0, 20 * MINUTE, undefined);
  });
});

describe('double_exponential_smoothing', () => {
  const tenSec = 10 * SECOND;
  const cases: [string, number[], number][] = [
    ['0+10x1000 100+30x1000', [...series(0, 10, 1000), ...series(100, 30, 1000)], 8000],
    ['0+20x1000 200+30x1000', [...series(0, 20, 1000), ...series(200, 30, 1000)], 16000],
    ['0+30x1000 300+80x1000', [...series(0, 30, 1000), ...series(300, 80, 1000)], 24000],
    ['0+40x2000', series(0, 40, 2000), 32000],
    ['8000-10x1000', series(8000, -10, 1000), 0],
    ['0-20x1000', series(0, -20, 1000), -16000],
    ['0-40x1000 0+40x1000', [...series(0, -40, 1000), ...series(0, 40, 1000)], -32000],
  ];
  it('follows a linear trend', () => {
    for (const [name, values, want] of cases) {
      const got = callRange('double_exponential_smoothing', windowAt(load(tenSec, values), 8000 * SECOND, MINUTE), [0.01, 0.1]);
      assert.ok(close(got, want), `double_exponential_smoothing(${name}[1m], 0.01, 0.1) at 8000s: got ${got}, want ${want}`);
    }
  });

  it('refuses factors outside (0, 1) with Prometheus message, even for a short series', () => {
    const w = windowAt(load(tenSec, [1]), 0, MINUTE);
    const f = (args: number[], message: string) =>
      assert.throws(() => callRange('double_exponential_smoothing', w, args), (e: unknown) => e instanceof PromqlFunctionArgError && e.message === message, `args ${args}`);
    f([1, 0.5], 'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000');
    f([0, 0.5], 'invalid smoothing factor. Expected: 0 < sf < 1, got: 0.000000');
    f([-0.25, 0.5], 'invalid smoothing factor. Expected: 0 < sf < 1, got: -0.250000');
    f([0.5, 1.5], 'invalid trend factor. Expected: 0 < tf < 1, got: 1.500000');
    f([0.5, Infinity], 'invalid trend factor. Expected: 0 < tf < 1, got: +Inf');
    assert.equal(callRange('double_exponential_smoothing', w, [0.5, 0.5]), undefined);
    assert.ok(Number.isNaN(callRange('double_exponential_smoothing', windowAt(load(tenSec, [1, 2]), 10 * SECOND, MINUTE), [NaN, 0.5])));
  });
});

describe('*_over_time', () => {
  const tenSec = 10 * SECOND;
  it('avg_over_time handles infinities, NaN and overflow', () => {
    const big = 9.988465674311579e307;
    const cases: [(number | '_')[], number][] = [
      [[1, 2, 3, 4, 5], 3],
      [[1, 2, 3, 4, Infinity], Infinity],
      [[1, 2, 3, 4, -Infinity], -Infinity],
      [[1, 2, 3, Infinity, -Infinity], NaN],
      [[Infinity, 0, Infinity], Infinity],
      [[Infinity, Infinity, Infinity, -Infinity], NaN],
      [[1, 2, 3, -Infinity, -Infinity], -Infinity],
      [[-Infinity, 0, -Infinity], -Infinity],
      [[1, 2, -Infinity, -Infinity, Infinity], NaN],
      [[big, big], big],
      [[-big, -big, -big], -big],
      [[-big, big], 0],
      [[1, 2, 3, NaN, NaN], NaN],
    ];
    for (const [values, want] of cases) {
      const got = callRange('avg_over_time', windowAt(load(tenSec, values), 55 * SECOND, MINUTE));
      assert.ok(close(got, want), `avg_over_time(${values.join(' ')}): got ${got}, want ${want}`);
    }
    checkRange('avg_over_time', load(tenSec, [1, 2, 3, 4, 5]), 55 * SECOND, 20 * SECOND, 5);
    checkRange('avg_over_time', load(tenSec, [1, 2, 3, 4, 5]), 55 * SECOND, 10 * SECOND, undefined);
    checkRange('avg_over_time', load(tenSec, [1, 2, 3, NaN, NaN]), 20 * SECOND, MINUTE, 2);
  });

  it('sum_over_time and avg_over_time keep small values next to huge ones (Kahan)', () => {
    const bigSmall = load(tenSec, [1, 1e100, 1, -1e100]);
    checkRange('sum_over_time', bigSmall, MINUTE, 2 * MINUTE, 2);
    checkRange('avg_over_time', bigSmall, MINUTE, 2 * MINUTE, 0.5);
    const fiveSec = 5 * SECOND;
    const cases: [number[], number][] = [
      [[1e10, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6], 1.6666666666666675e9],
      [[5.30921651659898, 0.961118537914768, 1.62091361305318, 0.865089463758091, 0.323055185914577, 0.951811357687154], 1.67186744582113],
      [[1.78264e50, 0.76342771, 1.9592258, 7.69805412, 458.90154], 3.56528e49],
      [[0.76342771, 1.9592258, 7.69805412, 1.78264e50, 458.90154], 3.56528e49],
      [[1.78264e50, 0.76342771, 1.9592258, 2.258e220, 7.69805412, 458.90154], 3.76333333333333e219],
      [[-1.78264e50, 0.76342771, 1.9592258, -2.258e220, 7.69805412, -458.90154], -3.76333333333333e219],
      [[-1.78264e215, 0.76342771, 1.9592258, 2.258e220, 7.69805412, -458.90154], 3.76330362266667e219],
      [[-1.78264e215, 0.76342771, 1.9592258, 2.258e220, 7.69805412, 1.78264e215, -458.90154], 3.225714285714286e219],
      [[-1.78264e219, 0.76342771, 1.9592258, 2.3757689e217, -2.3757689e217, 2.258e220, 7.69805412, 1.78264e219, -458.90154], 2.5088888888888888e219],
      // Prometheus documents 0 here (the true mean is -44.848083237): Kahan summation's limit.
      [[-2.258e220, -1.78264e219, 0.76342771, 1.9592258, 2.3757689e217, -2.3757689e217, 2.258e220, 7.69805412, 1.78264e219, -458.90154], 0],
    ];
    for (const [values, want] of cases) {
      const got = callRange('avg_over_time', windowAt(load(fiveSec, values), 55 * SECOND, MINUTE));
      assert.ok(close(got, want, 1e-12), `avg_over_time(${values.join(' ')}): got ${got}, want ${want}`);
    }
  });

  it('avg_over_time of a constant is that constant exactly', () => {
    const foo = load(tenSec, series(52, 0, 100));
    for (const range of [100, 110, 120, 130]) assert.equal(callRange('avg_over_time', windowAt(foo, 10 * MINUTE, range * SECOND)), 52);
  });

  it('sum_over_time counts exactly on dense samples', () => {
    const dense = load(1, series(1, 0, 4000));
    for (const range of [1000, 1001, 1002, 1003, 2000, 2001, 3003]) checkRange('sum_over_time', dense, 4 * SECOND, range, range);
  });

  it('min_over_time and max_over_time let any number replace NaN', () => {
    const cases: [number[], number, number, number, number][] = [
      // values, min, max, first, last
      [[2, 0, 3], 0, 3, 2, 3],
      [[2, 0, NaN], 0, 2, 2, NaN],
      [[2, NaN, 1], 1, 2, 2, 1],
      [[NaN, 0, 1], 0, 1, NaN, 1],
      [[NaN, NaN, NaN], NaN, NaN, NaN, NaN],
    ];
    for (const [values, min, max, first, last] of cases) {
      const data = load(tenSec, values);
      checkRange('min_over_time', data, MINUTE, 2 * MINUTE, min);
      checkRange('max_over_time', data, MINUTE, 2 * MINUTE, max);
      checkRange('first_over_time', data, MINUTE, 2 * MINUTE, first);
      checkRange('last_over_time', data, MINUTE, 2 * MINUTE, last);
      checkRange('count_over_time', data, MINUTE, 2 * MINUTE, 3);
      checkRange('present_over_time', data, MINUTE, 2 * MINUTE, 1);
    }
    const sparse = load(tenSec, ['_', 5, 2, '_', 4, '_']);
    checkRange('min_over_time', sparse, MINUTE, 2 * MINUTE, 2);
    checkRange('max_over_time', sparse, MINUTE, 2 * MINUTE, 5);
    checkRange('count_over_time', sparse, MINUTE, 2 * MINUTE, 3);
    checkRange('present_over_time', sparse, MINUTE, 10 * SECOND, undefined);
  });

  it('stddev_over_time and stdvar_over_time are population statistics', () => {
    checkRange('stdvar_over_time', load(tenSec, [0, 8, 8, 2, 3]), MINUTE, 2 * MINUTE, 10.56);
    const got = callRange('stddev_over_time', windowAt(load(tenSec, [0, 8, 8, 2, 3]), MINUTE, 2 * MINUTE));
    assert.ok(close(got, 3.249615, 1e-6), `stddev_over_time: got ${got}`);
    const constant = load(tenSec, [1.5990505637277868, 1.5990505637277868, 1.5990505637277868]);
    assert.equal(callRange('stdvar_over_time', windowAt(constant, 55 * SECOND, MINUTE)), 0);
    assert.equal(callRange('stddev_over_time', windowAt(constant, 55 * SECOND, MINUTE)), 0);
  });

  it('mad_over_time is the median absolute deviation', () => {
    checkRange('mad_over_time', load(tenSec, [4, 6, 2, 1, 999, 1, 2]), 70 * SECOND, 70 * SECOND, 1);
  });

  it('quantile_over_time interpolates between ranks', () => {
    const data = [[0, 1], [0, 1, 2], [0, 1, 4]].map((v) => load(tenSec, v));
    const cases: [number, number[]][] = [
      [0, [0, 0, 0]], [0.5, [0.5, 1, 1]], [0.75, [0.75, 1.5, 2.5]], [0.8, [0.8, 1.6, 2.8]],
      [1, [1, 2, 4]], [-1, [-Infinity, -Infinity, -Infinity]], [2, [Infinity, Infinity, Infinity]], [NaN, [NaN, NaN, NaN]],
    ];
    for (const [q, wants] of cases) data.forEach((d, i) => checkRange('quantile_over_time', d, MINUTE, 2 * MINUTE, wants[i], [q]));
  });

  it('ts_of_* report sample times in seconds, the latest one on a tie', () => {
    const odd = 10 * SECOND + 53;
    const data = load(odd, [1, 2, 3, 0, 5, 6, 2, 1, 4]);
    checkRange('ts_of_min_over_time', data, 90 * SECOND, 90 * SECOND, 30.159);
    checkRange('ts_of_max_over_time', data, 90 * SECOND, 90 * SECOND, 50.265);
    checkRange('ts_of_last_over_time', load(odd, [1, 2, 3, '_', '_']), 95 * SECOND, 90 * SECOND, 20.106);
    checkRange('ts_of_first_over_time', load(odd, ['_', '_', 1, 2, 3, '_', '_']), 90 * SECOND, 90 * SECOND, 20.106);
    checkRange('ts_of_first_over_time', load(odd, ['_', '_', 1, 2, 3, '_', '_']), 15 * SECOND, 90 * SECOND, undefined);
    checkRange('ts_of_max_over_time', load(tenSec, [7, 7, 1]), 30 * SECOND, MINUTE, 10);
    checkRange('ts_of_min_over_time', load(tenSec, [1, 1, 7]), 30 * SECOND, MINUTE, 10);
  });
});

describe('changes and resets', () => {
  const fiveMin = 5 * MINUTE;
  const foo = load(fiveMin, [1, 2, 3, 0, 1, 0, 0, 1, 2, 0]);
  const bar = load(fiveMin, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  const biz = load(fiveMin, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  it('count drops and differences', () => {
    const cases: [number, number, number, number, number, number, number][] = [
      // range in minutes, then resets and changes of foo, bar, biz
      [20, 1, 0, 0, 2, 2, 0],
      [30, 1, 0, 0, 3, 4, 0],
      [32, 2, 1, 0, 4, 5, 0],
      [50, 3, 1, 0, 7, 8, 1],
    ];
    for (const [range, ...want] of cases) {
      [foo, bar, biz].forEach((s, i) => {
        checkRange('resets', s, 50 * MINUTE, range * MINUTE, want[i]);
        if (range !== 32) checkRange('changes', s, 50 * MINUTE, range * MINUTE, want[i + 3]);
      });
    }
    checkRange('resets', foo, 50 * MINUTE, 5 * MINUTE, undefined);
    checkRange('changes', foo, 50 * MINUTE, 6 * MINUTE, 0);
  });

  it('treat NaN followed by NaN as no change', () => {
    checkRange('changes', load(fiveMin, [NaN, NaN, NaN]), 15 * MINUTE, 20 * MINUTE, 0);
    checkRange('changes', load(fiveMin, [0, NaN, 0]), 15 * MINUTE, 20 * MINUTE, 2);
  });
});

describe('VALUE_FUNCTIONS', () => {
  const f = (name: string, value: number, want: number, args: readonly number[] = []) => {
    const fn = VALUE_FUNCTIONS.get(name);
    assert.ok(fn, `no function ${name}`);
    const got = fn(value, args);
    assert.ok(close(got, want, 1e-15), `${name}(${value}, ${args.join(', ')}): got ${got}, want ${want}`);
  };

  it('rounds half up, to any step', () => {
    for (const [v, want] of [[2.5, 3], [2, 2], [-2.5, -2], [-2, -2], [0, 0], [Infinity, Infinity], [-Infinity, -Infinity], [NaN, NaN]]) f('round', v!, want!);
    f('round', 1.234, 1.23, [0.01]);
    f('round', -2.55, -2.5, [0.1]);
    f('round', 7, 5, [5]);
    f('round', 12.5, 15, [5]);
  });

  it('abs, ceil, floor, sgn', () => {
    const cases: [number, number, number, number, number][] = [
      [2.5, 2.5, 3, 2, 1], [-2.5, 2.5, -2, -3, -1], [0, 0, 0, 0, 0], [Infinity, Infinity, Infinity, Infinity, 1],
      [-Infinity, Infinity, -Infinity, -Infinity, -1], [NaN, NaN, NaN, NaN, NaN],
    ];
    for (const [v, abs, ceil, floor, sgn] of cases) {
      f('abs', v, abs);
      f('ceil', v, ceil);
      f('floor', v, floor);
      f('sgn', v, sgn);
    }
  });

  it('exp, ln, sqrt, log2, log10', () => {
    f('exp', 10, 22026.465794806718);
    f('exp', 20, 485165195.4097903);
    f('exp', -10, 4.5399929762484854e-5);
    f('ln', 10, 2.302585092994046);
    f('ln', 0, -Infinity);
    f('ln', -10, NaN);
    f('sqrt', 20, 4.47213595499958);
    f('log2', 10, 3.3219280948873626);
    f('log10', 20, 1.301029995663981);
    f('log10', 0, -Infinity);
  });

  it('clamp, clamp_min, clamp_max', () => {
    for (const [v, clamp, min, max] of [[-50, -25, -25, -50], [0, 0, 0, 0], [100, 75, 100, 75]]) {
      f('clamp', v!, clamp!, [-25, 75]);
      f('clamp_min', v!, min!, [-25]);
      f('clamp_max', v!, max!, [75]);
    }
    f('clamp', 5, NaN, [0, NaN]);
    f('clamp', 5, NaN, [NaN, 0]);
    assert.equal(clampOutputsNothing(5, -5), true);
    assert.equal(clampOutputsNothing(-25, 75), false);
    assert.equal(clampOutputsNothing(0, NaN), false);
  });

  it('trigonometry and angle conversion', () => {
    f('deg', Math.PI, 180);
    f('rad', 180, Math.PI);
    f('sin', Math.PI / 2, 1);
    f('cos', 0, 1);
    f('atan', 1, Math.PI / 4);
    f('acosh', 1, 0);
    f('atanh', 1, Infinity);
    f('asin', 2, NaN);
  });

  it('reads dates in UTC', () => {
    const t = 1136239445; // 2006-01-02 22:04:05, a Monday
    f('year', t, 2006);
    f('month', t, 1);
    f('day_of_month', t, 2);
    f('day_of_year', t, 2);
    f('day_of_week', t, 1);
    f('hour', t, 22);
    f('minute', t, 4);
    f('year', 0, 1970);
    f('day_of_week', 0, 4);
    f('year', 1230767999, 2008);
    f('year', 1230768000, 2009);
    f('month', 1456790399, 2);
    f('day_of_month', 1456790399, 29);
    f('month', 1456790400, 3);
    f('day_of_month', 1456790400, 1);
    f('day_of_year', 1483191420, 366);
    f('day_of_year', 1672493820, 365);
    f('days_in_month', 1454284800, 29);
    f('days_in_month', 1485907200, 28);
    f('days_in_month', 1136239445, 31);
    // Truncated towards zero, as Go's int64(v): -0.5 is still 1970-01-01.
    f('year', -0.5, 1970);
    f('year', -1, 1969);
    f('day_of_week', -1, 3);
    f('hour', -1, 23);
    f('year', -62135596800, 1); // 0001-01-01
    f('year', 253402300799, 9999);
  });
});

describe('classicHistogramQuantile(q, buckets)', () => {
  const h = (pairs: [number, number][]) => pairs.map(([upperBound, count]) => ({ upperBound, count }));
  const f = (q: number, pairs: [number, number][], want: number) => {
    const got = classicHistogramQuantile(q, h(pairs));
    assert.ok(close(got, want), `q=${q} buckets ${JSON.stringify(pairs)}: got ${got}, want ${want}`);
  };
  const positive: [number, number][] = [[0.1, 50], [0.2, 70], [1, 110], [Infinity, 120]];
  const negative: [number, number][] = [[-0.2, 10], [-0.1, 20], [0.3, 20], [Infinity, 30]];
  const positive3: [number, number][] = [[0, 0], [0.1, 50], [0.2, 70], [1, 110], [Infinity, 110]];
  const negative3: [number, number][] = [[-0.25, 0], [-0.2, 10], [-0.1, 20], [0.3, 20], [Infinity, 20]];

  it('interpolates inside the bucket, from 0 below a positive lowest bound', () => {
    for (const [q, pos, neg] of [[0, 0, -0.2], [0.2, 0.048, -0.2], [0.5, 0.15, -0.15], [0.8, 0.72, 0.3], [1, 1, 0.3]]) {
      f(q!, positive, pos!);
      f(q!, negative, neg!);
    }
    for (const [q, pos, neg] of [[0, 0, -0.25], [0.25, 0.055, -0.225], [0.5, 0.125, -0.2], [0.75, 0.45, -0.15], [1, 1, -0.1]]) {
      f(q!, positive3, pos!);
      f(q!, negative3, neg!);
    }
    const middle: [number, number][] = [[0, 0], [2, 1], [4, 2], [6, 3], [Infinity, 3]];
    f(1 / 6, middle, 1);
    f(0.5, middle, 3);
    f(5 / 6, middle, 5);
  });

  it('accepts buckets in any order', () => {
    f(0.5, [[Infinity, 120], [0.2, 70], [1, 110], [0.1, 50]], 0.15);
  });

  it('maps out-of-range and NaN quantiles to -Inf, +Inf and NaN', () => {
    f(-0.1, positive, -Infinity);
    f(1.01, positive, Infinity);
    f(NaN, positive, NaN);
  });

  it('needs a +Inf bucket, two buckets and observations', () => {
    f(0.5, [[0.1, 1], [0.2, 2]], NaN);
    f(0.5, [[Infinity, 5]], NaN);
    f(0.5, [[0.1, 0], [0.2, 0], [Infinity, 0]], NaN);
    f(0.5, [], NaN);
  });

  it('makes non-monotonic counts monotonic and says so', () => {
    const nonmonotonic: [number, number][] = [[0.1, 20], [1, 10], [10, 50], [100, 40], [1000, 90], [Infinity, 80]];
    f(0.01, nonmonotonic, 0.0045);
    f(0.5, nonmonotonic, 8.5);
    f(0.99, nonmonotonic, 979.75);
    assert.equal(classicHistogramQuantileInfo(0.5, h(nonmonotonic)).forcedMonotonic, true);
    assert.equal(classicHistogramQuantileInfo(0.5, h(positive)).forcedMonotonic, false);
  });

  it('adds up buckets with equal bounds (le="0.2" and le="2e-1")', () => {
    const mixed: [number, number][] = [[0.1, 10], [0.2, 10], [0.2, 10], [0.2, 10], [Infinity, 40]];
    f(0.5, mixed, 0.15);
    f(0.75, mixed, 0.2);
    f(1, mixed, 0.2);
    f(0.5, [[Infinity, 0], [Infinity, 0]], NaN);
  });

  it('ignores float noise between neighbouring counts', () => {
    const noisy: [number, number][] = [[1, 100], [2, 100 * (1 + 1e-14)], [3, 100 - 1e-11], [Infinity, 200]];
    const info = classicHistogramQuantileInfo(0.5, h(noisy));
    assert.equal(info.fixedPrecision, true);
    assert.equal(info.forcedMonotonic, false);
    // Rank 100 is reached in the first bucket once the noise is gone.
    assert.ok(close(info.value, 1), `got ${info.value}`);
  });
});

describe('aggregation helpers', () => {
  it('quantileOf interpolates, ranks NaN lowest and maps bad φ', () => {
    const f = (q: number, values: number[], want: number) => {
      const got = quantileOf(q, [...values]);
      assert.ok(close(got, want), `quantile(${q}, [${values}]): got ${got}, want ${want}`);
    };
    f(0.8, [0, 1], 0.8);
    f(0.8, [2, 0, 1], 1.6);
    f(0.8, [4, 1, 0], 2.8);
    f(NaN, [0, 1], NaN);
    f(-1, [0, 1], -Infinity);
    f(2, [0, 1], Infinity);
    f(0.5, [], NaN);
    f(0, [2, NaN, 1], NaN);
    f(0.5, [2, NaN, 1], 1);
    f(1, [2, NaN, 1], 2);
    f(0, [1, Infinity], NaN); // 1*1 + Inf*0, as Prometheus computes it
  });

  it('avgOf: Kahan sum, then an incremental mean once the sum overflows', () => {
    const big = 9.988465674311579e307;
    const f = (values: number[], want: number) => {
      const got = avgOf(values);
      assert.ok(close(got, want), `avg([${values}]): got ${got}, want ${want}`);
    };
    f([8, 10, 12], 10);
    f([0, Infinity, Infinity, 0], Infinity);
    f([Infinity, 0, Infinity], Infinity);
    f([Infinity, Infinity, -Infinity], NaN);
    f([-Infinity, -Infinity, 0], -Infinity);
    f([-Infinity, 0, -Infinity], -Infinity);
    f([-Infinity, 0, Infinity], NaN);
    f([big, big, big, big], big);
    f([-big, -big, -big, -big], -big);
    f([-big, -big, big, big], 0);
    f([2, 8, 1e100, -1e100], 2.5);
  });

  it('stddevOf and stdvarOf are population statistics', () => {
    const all = [100, 200, 300, 400, 500, 600, 700, 800];
    assert.ok(close(stdvarOf(all), 52500));
    assert.ok(close(stddevOf(all), 229.12878474779, 1e-12));
    assert.ok(close(stdvarOf([100, 300, 500, 700]), 50000));
    assert.ok(close(stddevOf([100, 300, 500, 700]), 223.60679774998, 1e-12));
    assert.equal(stdvarOf([5]), 0);
    assert.ok(Number.isNaN(stdvarOf([Infinity, 1])));
    assert.ok(Number.isNaN(stdvarOf([1, NaN])));
  });

  it('KahanSum keeps what plain addition loses and stays infinite', () => {
    const f = (values: number[], want: number) => {
      const sum = new KahanSum();
      for (const v of values) sum.add(v);
      assert.ok(close(sum.value, want), `sum([${values}]): got ${sum.value}, want ${want}`);
    };
    f([2, 8, 1e100, -1e100], 10);
    f([1e16, 1, -1e16], 1);
    f([Infinity, 2], Infinity);
    f([2, -Infinity], -Infinity);
    f([Infinity, -Infinity], NaN);
    f([NaN, 2], NaN);
  });
});

describe('rate and increase with the counter resets found beforehand (RangeWindow.drops)', () => {
  it('give exactly what checking every sample gives', () => {
    // A counter with a reset now and then, and NaNs, over random windows.
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const n = 400;
    const ms = new Float64Array(n);
    const values = new Float64Array(n);
    let v = 1000;
    for (let i = 0; i < n; i++) {
      ms[i] = i * 15_000 + 7;
      v = random() < 0.05 ? random() * 10 : v + random() * 30;
      values[i] = random() < 0.01 ? NaN : v;
    }
    const drops = dropsOf(values);
    for (let k = 0; k < 2000; k++) {
      const from = Math.floor(random() * n);
      const to = Math.min(n, from + Math.floor(random() * 40));
      const w = { ms, values, from, to, startMs: ms[from]! - 5_000, endMs: (ms[to - 1] ?? ms[from]!) + 3_000 };
      for (const name of ['rate', 'increase']) {
        assert.ok(Object.is(callRange(name, { ...w, drops }), callRange(name, w)), `${name} over [${from}, ${to})`);
      }
    }
  });
});
