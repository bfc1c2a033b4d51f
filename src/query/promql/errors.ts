import { RustsError } from '../../core/index.ts';

/** A query the API refuses before running it; Prometheus answers 400 with errorType `bad_data`. */
export class PromqlBadDataError extends RustsError {
  constructor(message: string) {
    super('promql_bad_data', message);
  }
}

/** An expression that does not parse or type-check: "<line>:<column>: parse error: <reason>". */
export class PromqlParseError extends PromqlBadDataError {
  constructor(reason: string, position?: string) {
    super(position === undefined ? `parse error: ${reason}` : `${position}: parse error: ${reason}`);
  }
}

/**
 * An expression that parsed but cannot be evaluated on this data: many-to-many matching, duplicate
 * output series, a bad function argument. Prometheus answers 422 with errorType `execution`.
 */
export class PromqlExecutionError extends RustsError {
  constructor(message: string) {
    super('promql_execution', message);
  }
}

/** The query ran out of time; Prometheus answers 503 with errorType `timeout`. */
export class PromqlTimeoutError extends RustsError {
  constructor() {
    super('query_timeout', 'query timed out in query execution');
  }
}
