import { RustsError } from '../core/index.ts';

/**
 * A query that cannot run as written: unknown function, wrong arguments, an aggregate mixed with
 * raw fields, a bad GROUP BY interval. Messages use InfluxDB 1.x's wording where it has one, since
 * InfluxQL clients show them to people who know that wording.
 */
export class QueryError extends RustsError {
  constructor(message: string) {
    super('bad_query', message);
  }
}

/** The query's signal was aborted (timeout or client gone) before it finished. */
export class QueryTimeoutError extends RustsError {
  constructor() {
    super('query_timeout', 'query-timeout limit exceeded');
  }
}

/**
 * The query would load more points than `QueryContext.maxPoints` allows, or would produce more
 * time buckets than that per result series (InfluxDB's max-select-point and max-select-buckets).
 */
export class QueryLimitError extends RustsError {
  constructor(
    readonly limit: number,
    what: 'points' | 'buckets' = 'points',
  ) {
    super(
      'query_limit_exceeded',
      what === 'points' ? `query would load more than ${limit} points (max_points)` : `query would create more than ${limit} time buckets per series (max_points)`,
    );
  }
}
