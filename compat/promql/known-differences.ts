// Comparisons expected to differ between Prometheus 2.42 (the reference available here) and a
// system that follows Prometheus 3.x, with the reason. Only 2 -> 3 semantic changes belong here,
// and RusTs limitations that are stated as such in the reason (and in the issue notes); anything
// else that differs is a bug to fix. An entry that matches anyway is reported (so that
// stale entries get removed) but does not fail the suite.
//
// 2 -> 3 changes the suite avoids by construction instead of listing them here:
// - range selectors, subquery ranges and the lookback window are left-open in 3.x ((t-r, t]
//   instead of [t-r, t]): samples sit 7 ms off whole seconds and evaluation times are whole
//   seconds 37 s past the minute, so no sample or subquery step is ever on a window's start;
// - functions added after 2.42 are only checked for success (queries.ts, `newerOnly`);
// - the JSON `infos`/`warnings` annotations 3.x adds are not compared;
// - error wording changed in places: error texts are compared loosely and only reported;
// - 2.51 changed how rate()/increase() limit the extrapolation of a counter starting near zero
//   inside the range (prometheus/prometheus#13725): every counter starts far from zero
//   (data.ts), so the two rules agree;
// - topk/bottomk break ties in no documented way: their inputs have no ties.

export interface KnownDifference {
  /** The expression, exactly as in queries.ts, or a pattern over it. */
  readonly expr: string | RegExp;
  /** The query kinds concerned (ids of queries.ts `queryKinds`); all when omitted. */
  readonly kinds?: readonly string[];
  /**
   * What the difference looks like: one line of the comparison's diff must match, so that another
   * difference in the same expression (a real bug) is not excused by this entry.
   */
  readonly diff: RegExp;
  readonly reason: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    expr: 'offset',
    diff: /got 400 error bad_data/,
    reason:
      'RusTs limitation, not a 2 -> 3 change: Prometheus reads a keyword (offset, by, bool, ...) as a metric name where a selector goes; the official grammar RusTs parses with (lezer-promql) does not. `{__name__="offset"}` works.',
  },
  {
    expr: /demo_\w+.*\batan2\b|\batan2\b.*demo_/,
    diff: /^missing \d+ of \d+ series: \[\["__name__"/,
    reason: 'Prometheus 2.46 drops the metric name in the result of the atan2 operator, like the other arithmetic operators (prometheus/prometheus#12595); 2.42 keeps it.',
  },
  {
    expr: /^(stddev|stdvar) by \(kind\) \(demo_weird_values\)$/,
    kinds: ['instant@early', 'range@60s', 'range@15s'],
    diff: /want 0, got NaN$/,
    reason: "Prometheus 3.x starts a stddev/stdvar group's variance at NaN when its first value is NaN or ±Inf; 2.42 starts it at 0, so a group of one ±Inf series gives 0 in 2.42 and NaN in 3.x.",
  },
  {
    expr: /^stddev\(vector\(Inf\)\)$/,
    diff: /want 0, got NaN$/,
    reason: "As above: Prometheus 3.x starts a stddev/stdvar group's variance at NaN when its first value is ±Inf (2.42: 0).",
  },
  {
    // rate() over subquery points that are themselves small rates or gauges dipping to zero: the
    // counter's extrapolated zero point lies inside the range, so the order of the two limits matters.
    expr: /^rate\((rate\(demo_cpu_seconds_total\[5m\]\)|demo_intermittent)\[10m:1m\]\)$/,
    diff: /@\d+(\.\d+)?: want [-\d.e+]+, got [-\d.e+]+$/,
    reason: 'Prometheus 2.51 applies the zero-point limit of rate()/increase() extrapolation after the "more than 1.1 sample intervals away" limit, not before (prometheus/prometheus#13725); 2.42 limits first by the zero point, so a counter whose extrapolated zero point lies inside the range gives another rate.',
  },
  {
    expr: /^(rate\(demo_cpu_seconds_total\[300\]\)|demo_memory_bytes offset 60|demo_memory_bytes\[5m:60\]|vector\(5m\)|1m)$/,
    diff: /^status: want 400 error bad_data: .*(missing unit character in duration|unexpected duration|unexpected number "60")/,
    reason: 'Prometheus 3.0 makes durations and number literals interchangeable: a number of seconds where a duration goes (`x[300]`, `offset 60`) and a duration where a number goes (`vector(5m)`, `1m`) (prometheus/prometheus#9138); 2.42 rejects both.',
  },
  {
    expr: /^(sum by \("instance"\) \(demo_memory_bytes\)|demo_memory_bytes\{"type"="free"\})$/,
    diff: /^status: want 400 error bad_data: .*unexpected string/,
    reason: 'Prometheus 3.0 accepts quoted (UTF-8) label names in matchers and grouping lists (prometheus/prometheus#13095, grouping lists in #14482); 2.42 rejects them.',
  },
  {
    expr: '1_000',
    diff: /^status: want 400 error bad_data: .*bad number or duration syntax/,
    reason: 'Prometheus 2.54/3.0 accepts underscores between the digits of number literals (prometheus/prometheus#12821); 2.42 stops the number at the underscore.',
  },
];

/** The known difference listed for `expr` run as `kind`, if any (whether or not it shows). */
export function knownDifference(expr: string, kind: string): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((d) => (typeof d.expr === 'string' ? d.expr === expr : d.expr.test(expr)) && (d.kinds === undefined || d.kinds.includes(kind)));
}

/** Whether `known` explains a comparison's diff lines. */
export function explains(known: KnownDifference, diffs: readonly string[]): boolean {
  return diffs.some((line) => known.diff.test(line));
}
