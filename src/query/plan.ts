/**
 * The logical query every query language compiles to (the native JSON API directly, InfluxQL in
 * the influx adapter), and the result shape the executor streams back. The model is InfluxQL's:
 * a selection, projections of fields and function calls, grouping by tags and time buckets, fill,
 * order and limits. PromQL shares only the selection part (see `SeriesSelection`).
 */
import type { Timestamp, TimeRange } from '../core/index.ts';
import type { Matcher } from '../index/index.ts';
import type { MathName } from './math.ts';
import type { TechnicalName } from './technical.ts';

/**
 * Which measurement(s) to read: one by name, or every measurement whose name matches an RE2 pattern
 * (InfluxQL `FROM /re/`). Like every regex in a LogicalQuery the pattern is fully anchored, so the
 * InfluxQL front end sends `/re/` as `.*(?:re).*`.
 */
export type MeasurementSource =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'regex'; readonly pattern: string }
  /** Several sources (InfluxQL `FROM a, /b/`): their measurements' union, each answered as its own series, as influxd does. */
  | { readonly kind: 'list'; readonly sources: readonly MeasurementSource[] }
  /**
   * A subquery (InfluxQL `FROM (SELECT ...)`): the outer query reads the inner query's result series
   * instead of storage. Each result series is an input series of its measurement name: its tags
   * (the inner GROUP BY) are tags, its columns are fields. The executor narrows the inner query as
   * influxd does (see subquery.ts): the outer range, GROUP BY tags, interval and order flow inward.
   */
  | { readonly kind: 'subquery'; readonly query: LogicalQuery };

/** Comparison operators of a field condition. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A WHERE condition tree. Tag leaves use the index's matchers; field leaves filter rows by a field's
 * value. The planner resolves tag-only subtrees through the index and evaluates the rest per row.
 * `fieldRegex` patterns are RE2 and fully anchored, like matchers (send `/re/` as `.*(?:re).*`). A
 * field leaf naming a tag of the measurement (and no field) compares the tag's value.
 */
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'tag'; readonly matcher: Matcher }
  | { readonly kind: 'field'; readonly field: string; readonly op: CompareOp; readonly value: number | string | boolean }
  | { readonly kind: 'fieldRegex'; readonly field: string; readonly negate: boolean; readonly pattern: string }
  /**
   * A comparison of two operands evaluated per row (`a + b > 25`, `host = region`): a ref is the
   * row's field value, else the series' tag value, else null; a comparison with null is false.
   */
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand };

/** An operand of a `compare` condition. */
export type Operand =
  | { readonly kind: 'ref'; readonly name: string; readonly cast?: 'field' | 'tag' }
  | { readonly kind: 'literal'; readonly value: number | string | boolean | null }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly left: Operand; readonly right: Operand };

/**
 * A `::type` suffix: a numeric type converts numeric fields (float to integer truncates), a field
 * of another type reads as null; `field` and `tag` pick the field or the tag of that name.
 */
export type Cast = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean' | 'field' | 'tag';

/** The functions of InfluxQL that the executor implements (names as InfluxQL spells them). */
export type FunctionName =
  // aggregates: many points -> one per group and bucket
  | 'count'
  | 'distinct'
  | 'sum'
  | 'mean'
  | 'median'
  | 'mode'
  | 'spread'
  | 'stddev'
  | 'integral'
  // selectors: pick one point (and keep its time when there is no GROUP BY time)
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'percentile'
  | 'top'
  | 'bottom'
  | 'sample'
  // transformations: a series in, a series out (over raw points, or over an aggregate per bucket)
  | 'derivative'
  | 'non_negative_derivative'
  | 'difference'
  | 'non_negative_difference'
  | 'cumulative_sum'
  | 'moving_average'
  | 'elapsed'
  // technical analysis: transformations too, with a period and a warm-up
  | TechnicalName
  // math: one value in, one value out, on raw values or on an aggregate's (`abs(mean(x))`)
  | MathName;

/** An expression in a projection. */
export type Expr =
  | { readonly kind: 'field'; readonly name: string; readonly cast?: Cast }
  /**
   * Every field and tag (`SELECT *`; `*::field` fields only, `*::tag` tags only), or every field as
   * the argument of a function (`mean(*)`). With a `pattern` (RE2, fully anchored; InfluxQL
   * `SELECT /re/`, `mean(/re/)`) only the fields whose name matches, and no tag.
   */
  | { readonly kind: 'wildcard'; readonly cast?: 'field' | 'tag'; readonly pattern?: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  /** A duration argument such as the unit of `derivative(x, 1s)`, in nanoseconds. */
  | { readonly kind: 'duration'; readonly nanos: bigint }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly Expr[] }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly left: Expr; readonly right: Expr };

export interface Projection {
  readonly expr: Expr;
  /** Column name in the result; defaults to InfluxQL's (the field name, the function name, or `f_field` on clashes). */
  readonly alias?: string;
}

export type Fill =
  | { readonly kind: 'null' }
  | { readonly kind: 'none' }
  | { readonly kind: 'previous' }
  | { readonly kind: 'linear' }
  | { readonly kind: 'value'; readonly value: number };

export interface TimeGrouping {
  /** Bucket width in nanoseconds (> 0). */
  readonly interval: bigint;
  /** Bucket offset in nanoseconds: buckets start at `k * interval + offset`. */
  readonly offset: bigint;
}

export interface LogicalQuery {
  readonly database: string;
  /** The database's default retention policy when unset. */
  readonly retentionPolicy?: string;
  readonly from: MeasurementSource;
  readonly condition?: Condition;
  /** Inclusive; the InfluxQL front end turns `time > x` into `x + 1`. */
  readonly range: TimeRange;
  readonly projections: readonly Projection[];
  readonly groupBy: {
    readonly time?: TimeGrouping;
    /** Tag keys to group series by; `'*'` groups by every tag. */
    readonly tags: readonly string[] | '*';
    /** RE2 patterns (fully anchored): also group by every tag key of a measurement that matches one (InfluxQL `GROUP BY /re/`). */
    readonly tagPatterns?: readonly string[];
  };
  /** Defaults to `{ kind: 'null' }`, as InfluxQL does. */
  readonly fill?: Fill;
  /** Defaults to 'asc'. */
  readonly order?: 'asc' | 'desc';
  /** Rows per result series (LIMIT/OFFSET) and result series (SLIMIT/SOFFSET); 0 = no limit. */
  readonly limit?: number;
  readonly offset?: number;
  readonly slimit?: number;
  readonly soffset?: number;
  /**
   * IANA zone of InfluxQL `tz()`: GROUP BY time buckets start at the zone's local boundaries (its
   * UTC offset at the range start is applied to the grid). Result times stay UTC Timestamps; the
   * adapter prints them in the zone (`formatInZone`).
   */
  readonly timezone?: string;
}

/** A cell of a result row. int64/uint64 fields stay bigint so no precision is lost on the way out. */
export type ResultValue = number | bigint | string | boolean | null;

/**
 * One result series, InfluxDB's shape: a measurement, the group's tag values, column names
 * (`time` first) and rows. `time` cells are nanosecond `Timestamp`s; adapters format them.
 */
export interface ResultSeries {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: ReadonlyArray<readonly [Timestamp, ...ResultValue[]]>;
}

/** The selection part alone: what the planner resolves and scans. PromQL's evaluator reads through this. */
export interface SeriesSelection {
  readonly database: string;
  /** The database's default retention policy when unset. */
  readonly retentionPolicy?: string;
  readonly matchers: readonly Matcher[];
  /** Field names to read; every field of each series when omitted. */
  readonly fields?: readonly string[];
  readonly range: TimeRange;
}

/** Limits and cancellation for one query execution. */
export interface QueryContext {
  /** Aborted when the query times out or its client goes away; the executor stops at its next slice. */
  readonly signal: AbortSignal;
  /** Upper bound on the points the query may load; exceeding it fails the query with `QueryLimitError`. */
  readonly maxPoints: number;
}
