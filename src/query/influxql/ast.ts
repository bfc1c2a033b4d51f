/**
 * The syntax tree of InfluxQL statements, as written: names are unresolved, regexes are the
 * unanchored patterns of the source, time literals are still strings or numbers. `compile.ts` turns
 * a SELECT into the executor's LogicalQuery; the influx adapter executes the other statements.
 */
import type { Fill } from '../plan.ts';

/** The `::type` suffix of a field reference. */
export type Cast = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean' | 'field' | 'tag';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | 'AND' | 'OR';

export type Expr =
  | { readonly kind: 'ref'; readonly name: string; readonly cast?: Cast }
  | { readonly kind: 'wildcard'; readonly cast?: 'field' | 'tag' }
  /** `/re/` as written (unanchored, `\/` unescaped). */
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'duration'; readonly nanos: bigint }
  /** Function names are lower-cased; `now()` is a call too. */
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr };

export interface Field {
  readonly expr: Expr;
  readonly alias?: string;
}

/** A FROM source: `db.rp.m`, `db..m`, `/re/`, or a subquery. */
export type Source =
  | { readonly kind: 'measurement'; readonly database?: string; readonly retentionPolicy?: string; readonly name: string }
  | { readonly kind: 'regex'; readonly database?: string; readonly retentionPolicy?: string; readonly pattern: string }
  | { readonly kind: 'subquery'; readonly statement: SelectStatement };

/** fill(...) means what the plan's Fill means. */
export type FillOption = Fill;

/** Row and series limits shared by SELECT and the SHOW statements that take them; 0 = none. */
export interface Limits {
  readonly limit: number;
  readonly offset: number;
  readonly slimit: number;
  readonly soffset: number;
}

export interface SelectStatement extends Limits {
  readonly kind: 'select';
  readonly fields: readonly Field[];
  /** INTO target: a measurement source (`db.rp.m`), or every source's name with `:MEASUREMENT`. */
  readonly into?: { readonly database?: string; readonly retentionPolicy?: string; readonly name?: string; readonly allMeasurements: boolean };
  readonly sources: readonly Source[];
  readonly condition?: Expr;
  /** GROUP BY items: `ref`, `wildcard`, `regex`, or the `time(...)` call. */
  readonly dimensions: readonly Expr[];
  readonly fill?: FillOption;
  readonly order: 'asc' | 'desc';
  /** The zone of `tz('...')`. */
  readonly timezone?: string;
}

/** A `WITH KEY` clause of SHOW TAG VALUES: one key, a list (`IN`), or a pattern. */
export type KeyFilter =
  | { readonly op: '=' | '!='; readonly key: string }
  | { readonly op: 'in'; readonly keys: readonly string[] }
  | { readonly op: '=~' | '!~'; readonly pattern: string };

export type CardinalityOf = 'series' | 'measurement' | 'tagKey' | 'tagValues' | 'fieldKey';

export type Privilege = 'all' | 'read' | 'write';

/** Retention policy settings of CREATE DATABASE ... WITH and CREATE/ALTER RETENTION POLICY; durations in ns, 0 = INF. */
export interface RetentionSettings {
  readonly duration?: bigint;
  readonly replication?: number;
  readonly shardDuration?: bigint;
  readonly name?: string;
  readonly isDefault?: boolean;
}

export type Statement =
  | SelectStatement
  | { readonly kind: 'showDatabases' }
  | ({ readonly kind: 'showMeasurements'; readonly database?: string; readonly measurement?: { readonly op: '=' | '=~'; readonly value: string }; readonly condition?: Expr } & Limits)
  | ({ readonly kind: 'showTagKeys'; readonly database?: string; readonly sources: readonly Source[]; readonly condition?: Expr } & Limits)
  | ({ readonly kind: 'showTagValues'; readonly database?: string; readonly sources: readonly Source[]; readonly key: KeyFilter; readonly condition?: Expr } & Limits)
  | ({ readonly kind: 'showFieldKeys'; readonly database?: string; readonly sources: readonly Source[] } & Limits)
  | ({ readonly kind: 'showSeries'; readonly database?: string; readonly sources: readonly Source[]; readonly condition?: Expr } & Limits)
  | ({
      readonly kind: 'showCardinality';
      readonly of: CardinalityOf;
      readonly exact: boolean;
      readonly database?: string;
      readonly sources: readonly Source[];
      readonly key?: KeyFilter;
      readonly condition?: Expr;
      readonly dimensions: readonly Expr[];
    } & Limits)
  | { readonly kind: 'showRetentionPolicies'; readonly database?: string }
  | { readonly kind: 'showContinuousQueries' }
  | { readonly kind: 'showUsers' }
  | { readonly kind: 'showGrants'; readonly user: string }
  | { readonly kind: 'showQueries' }
  | { readonly kind: 'showShards' }
  | { readonly kind: 'showShardGroups' }
  | { readonly kind: 'showSubscriptions' }
  | { readonly kind: 'showStats'; readonly module?: string }
  | { readonly kind: 'showDiagnostics'; readonly module?: string }
  | { readonly kind: 'createDatabase'; readonly name: string; readonly retention?: RetentionSettings }
  | { readonly kind: 'dropDatabase'; readonly name: string }
  | { readonly kind: 'createRetentionPolicy'; readonly name: string; readonly database: string; readonly settings: RetentionSettings }
  | { readonly kind: 'alterRetentionPolicy'; readonly name: string; readonly database: string; readonly settings: RetentionSettings }
  | { readonly kind: 'dropRetentionPolicy'; readonly name: string; readonly database: string }
  | { readonly kind: 'dropMeasurement'; readonly name: string }
  | { readonly kind: 'dropSeries'; readonly sources: readonly Source[]; readonly condition?: Expr }
  | { readonly kind: 'delete'; readonly sources: readonly Source[]; readonly condition?: Expr }
  | { readonly kind: 'dropShard'; readonly id: bigint }
  | { readonly kind: 'dropContinuousQuery'; readonly name: string; readonly database: string }
  | { readonly kind: 'createUser'; readonly name: string; readonly password: string; readonly admin: boolean }
  | { readonly kind: 'dropUser'; readonly name: string }
  | { readonly kind: 'setPassword'; readonly user: string; readonly password: string }
  | { readonly kind: 'grant'; readonly privilege: Privilege; readonly database?: string; readonly user: string }
  | { readonly kind: 'revoke'; readonly privilege: Privilege; readonly database?: string; readonly user: string }
  | { readonly kind: 'explain'; readonly analyze: boolean; readonly statement: SelectStatement }
  | { readonly kind: 'killQuery'; readonly id: bigint; readonly host?: string };

export type StatementKind = Statement['kind'];
