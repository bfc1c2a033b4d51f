/**
 * The shared query planner and executor. Every query language compiles to a `LogicalQuery`
 * (plan.ts); `executeQuery` runs it against a ShardRouter and streams `ResultSeries` in InfluxDB's
 * order. PromQL's evaluator (promql/) reads through `selectMetrics`, the selection in Prometheus's
 * terms, over the same scan. `explainQuery` runs a query and reports its plan and what the scan
 * read and skipped.
 *
 * Regular expressions anywhere in a LogicalQuery (FROM /re/, tag matchers, `fieldRegex` condition
 * leaves) are RE2, fully anchored, `.` matching newlines: the InfluxQL front end, whose `/re/`
 * matches anywhere, sends `.*(?:re).*`.
 *
 * The semantics are InfluxQL 1.x's, checked against influxd 1.6.7 (test/query/). Known and chosen
 * differences:
 * - points of several series at one time are listed in series key order (influxd's order varies);
 * - GROUP BY time with an open range end reports up to the group's last point (the InfluxQL front
 *   end closes it at now(), as influxd does), and a time(0s) interval is an error (influxd ignores it);
 * - a number literal with an integral value is an integer (`i * 2.0` stays integral);
 * - integral() under ORDER BY DESC is computed forwards; influxd's answer there is not meaningful;
 * - stddev() is computed in one pass (Welford), so its last digit can differ from influxd's;
 * - tz() grids use the zone's offset at the range start throughout (influxd re-reads it per bucket
 *   across a DST change); result times stay UTC Timestamps, adapters print them with `formatInZone`;
 * - a FROM naming a measurement and a subquery over the same measurement answers two series of
 *   that name (influxd merges them into one);
 * - chande_momentum_oscillator with a period of 1 and no warm-up answers (influxd 1.6.7 panics).
 */
export * from './plan.ts';
export { QueryError, QueryLimitError, QueryTimeoutError } from './errors.ts';
export { executeQuery } from './executor.ts';
export { explainQuery, type ExplainResult } from './explain.ts';
export { checkNamespace, selectSeries } from './select.ts';
export {
  selectMetrics,
  metricSources,
  splitSelector,
  labelsOf,
  METRIC_VALUE_FIELD,
  METRIC_HISTOGRAM_FIELD,
  METRIC_EXEMPLAR_FIELD,
  type MetricSelection,
  type MetricSeries,
  type MetricSource,
  type SplitSelector,
} from './metrics.ts';
export { formatInZone, zoneOffsetMinutes } from './timezone.ts';
export {
  compareLabels,
  DEFAULT_EVAL_OPTIONS,
  formatFloat,
  formatFloatPlain,
  instantQuery,
  metricsSource,
  parsePromql,
  parseSeriesSelector,
  PromqlBadDataError,
  PromqlExecutionError,
  PromqlParseError,
  PromqlTimeoutError,
  rangeQuery,
  TooManySamplesError,
  type EvalOptions,
  type Expr as PromqlExpr,
  type SampleSeries,
  type SeriesSource,
  type Steps,
  type Value,
} from './promql/index.ts';
export { parseDurationMs } from './promql/literals.ts';
export { printPromql, prettifyPromql, promqlAstJson, formatDuration, type AstJson } from './promql/index.ts';
