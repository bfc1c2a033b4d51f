/**
 * The shared query planner and executor. Every query language compiles to a `LogicalQuery`
 * (plan.ts); `executeQuery` runs it against a ShardRouter and streams `ResultSeries` in InfluxDB's
 * order. PromQL's evaluator reads through `selectSeries`, the selection alone.
 *
 * Regular expressions anywhere in a LogicalQuery (FROM /re/, tag matchers, `fieldRegex` condition
 * leaves) are RE2, fully anchored, `.` matching newlines: the InfluxQL front end, whose `/re/`
 * matches anywhere, sends `.*(?:re).*`.
 */
export * from './plan.ts';
export { QueryError, QueryLimitError, QueryTimeoutError } from './errors.ts';
export { executeQuery } from './executor.ts';
export { explainQuery, type ExplainResult } from './explain.ts';
export { selectSeries } from './select.ts';
