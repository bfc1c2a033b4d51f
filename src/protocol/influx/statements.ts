import { fieldTypeName, RustsError, type Timestamp } from '../../core/index.ts';
import type { ShardRouter } from '../../cluster/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../../index/index.ts';
import { executeQuery, type LogicalQuery, type QueryContext, type ResultValue } from '../../query/index.ts';
import type { Expr, KeyFilter, Limits, SelectStatement, Source, Statement } from '../../query/influxql/index.ts';
import { toInfluxSeries, type InfluxSeries, type StatementResult } from './results.ts';

/** What running one statement needs from the request that carries it. */
export interface StatementContext {
  readonly router: ShardRouter;
  /** The `db` parameter: the database of statements that name none. */
  readonly database: string | undefined;
  readonly now: Timestamp;
  readonly query: QueryContext;
  readonly time: (ts: Timestamp) => ResultValue;
  /** Turns a SELECT into the executor's plan (the InfluxQL compiler). */
  readonly compile: (stmt: SelectStatement, database: string) => LogicalQuery;
  /** Throw when the caller may not read (or write) `database`, or is no admin; the request then fails as a whole, as in InfluxDB. */
  readonly authorize: (database: string, access: 'read' | 'write') => void;
  readonly requireAdmin: (action: string) => void;
  readonly canRead: (database: string) => boolean;
  /** The configured users, for SHOW USERS. */
  readonly users: ReadonlyArray<{ readonly name: string; readonly admin: boolean }>;
}

/** A failure InfluxDB reports in the statement's result rather than as the request's error. */
class StatementError extends Error {}

// Failures of one statement that InfluxDB reports in its result (the request itself succeeds).
const STATEMENT_ERROR_CODES: ReadonlySet<string> = new Set(['bad_query', 'bad_matcher', 'query_limit_exceeded', 'query_timeout']);

/**
 * Runs one parsed statement. Its own failures (no database, unknown database, something not
 * supported) become the statement's `error`, as InfluxDB reports them; the statements after it
 * still run.
 */
export async function executeStatement(stmt: Statement, statementId: number, ctx: StatementContext): Promise<StatementResult> {
  try {
    const series = await run(stmt, ctx);
    return series.length === 0 ? { statementId } : { statementId, series };
  } catch (err) {
    if (err instanceof StatementError || (err instanceof RustsError && STATEMENT_ERROR_CODES.has(err.code))) return { statementId, error: err.message };
    throw err;
  }
}

async function run(stmt: Statement, ctx: StatementContext): Promise<InfluxSeries[]> {
  switch (stmt.kind) {
    case 'select': {
      const database = databaseOf(ctx, stmt.sources);
      ctx.authorize(database, 'read');
      const out: InfluxSeries[] = [];
      for await (const s of executeQuery(ctx.router, ctx.compile(stmt, database), ctx.query)) out.push(toInfluxSeries(s, ctx.time));
      return out;
    }
    case 'showDatabases': {
      const names = ctx.router.databases().filter((db) => ctx.canRead(db));
      return names.length === 0 ? [] : [{ name: 'databases', columns: ['name'], values: names.map((n) => [n]) }];
    }
    case 'showMeasurements': {
      const database = databaseOf(ctx, [], stmt.database);
      ctx.authorize(database, 'read');
      let names = stmt.condition === undefined ? ctx.router.measurements(database) : ctx.router.tagValues(database, MEASUREMENT_NAME, tagMatchers(stmt.condition));
      const filter = stmt.measurement;
      if (filter !== undefined) {
        const matcher: Matcher = filter.op === '=' ? { name: MEASUREMENT_NAME, op: '=', value: filter.value } : { name: MEASUREMENT_NAME, op: '=~', value: unanchored(filter.value) };
        names = names.filter((n) => matchesValue(matcher, n));
      }
      const rows = page(names, stmt).map((n) => [n]);
      return rows.length === 0 ? [] : [{ name: 'measurements', columns: ['name'], values: rows }];
    }
    case 'showTagKeys': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      ctx.authorize(database, 'read');
      const where = stmt.condition === undefined ? [] : tagMatchers(stmt.condition);
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const keys = page(ctx.router.tagKeys(database, [measurementIs(m), ...where]), stmt);
        return keys.length === 0 ? [] : [{ name: m, columns: ['tagKey'], values: keys.map((k) => [k]) }];
      });
    }
    case 'showTagValues': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      ctx.authorize(database, 'read');
      const where = stmt.condition === undefined ? [] : tagMatchers(stmt.condition);
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const series = [measurementIs(m), ...where];
        const keys = ctx.router.tagKeys(database, series).filter((k) => keyMatches(stmt.key, k));
        const rows = page(
          keys.flatMap((k) => ctx.router.tagValues(database, k, series).map((v) => [k, v])),
          stmt,
        );
        return rows.length === 0 ? [] : [{ name: m, columns: ['key', 'value'], values: rows }];
      });
    }
    case 'showFieldKeys': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      ctx.authorize(database, 'read');
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const fields = [...ctx.router.fieldsOf(database, m)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const rows = page(fields.map(([name, type]) => [name, fieldTypeName(type)]), stmt);
        return rows.length === 0 ? [] : [{ name: m, columns: ['fieldKey', 'fieldType'], values: rows }];
      });
    }
    case 'showSeries': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      ctx.authorize(database, 'read');
      const where = stmt.condition === undefined ? [] : tagMatchers(stmt.condition);
      const measurements = stmt.sources.length === 0 ? undefined : measurementsOf(ctx, database, stmt.sources);
      const keys = (measurements ?? [undefined]).flatMap((m) => ctx.router.seriesKeys(database, m === undefined ? where : [measurementIs(m), ...where]));
      const rows = page(keys, stmt).map((k) => [k]);
      return rows.length === 0 ? [] : [{ columns: ['key'], values: rows }];
    }
    case 'showCardinality':
      return cardinality(stmt, ctx);
    case 'showUsers':
      ctx.requireAdmin('list users');
      return [{ columns: ['user', 'admin'], values: ctx.users.map((u) => [u.name, u.admin]) }];
    case 'showRetentionPolicies': {
      const database = databaseOf(ctx, [], stmt.database);
      ctx.authorize(database, 'read');
      // Every database has InfluxDB's default policy, and only it, until retention policies land.
      return [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values: [['autogen', '0s', '168h0m0s', 1, true]] }];
    }
    case 'createDatabase':
      ctx.requireAdmin(`create database "${stmt.name}"`);
      if (stmt.retention !== undefined) throw new StatementError('not supported yet: CREATE DATABASE ... WITH (retention policies)');
      await ctx.router.createDatabase(stmt.name);
      return [];
    case 'dropDatabase':
      ctx.requireAdmin(`drop database "${stmt.name}"`);
      // Dropping a database that does not exist is no error in InfluxDB either.
      await ctx.router.dropDatabase(stmt.name);
      return [];
    default:
      throw new StatementError(`not supported yet: ${statementName(stmt.kind)}`);
  }
}

/**
 * SHOW ... CARDINALITY. The counts are exact; the forms InfluxDB estimates (without EXACT) keep its
 * one-row `cardinality estimation` shape, the others count per measurement.
 */
function cardinality(stmt: Extract<Statement, { kind: 'showCardinality' }>, ctx: StatementContext): InfluxSeries[] {
  const database = databaseOf(ctx, stmt.sources, stmt.database);
  ctx.authorize(database, 'read');
  if (stmt.dimensions.length > 0) throw new StatementError('not supported yet: SHOW ... CARDINALITY with GROUP BY');
  const where = stmt.condition === undefined ? [] : tagMatchers(stmt.condition);
  // Series per measurement, counted once: the measurements without a matching series drop out.
  const seriesCounts = new Map<string, number>();
  for (const m of measurementsOf(ctx, database, stmt.sources)) {
    const n = ctx.router.seriesKeys(database, [measurementIs(m), ...where]).length;
    if (n > 0) seriesCounts.set(m, n);
  }
  const measurements = [...seriesCounts.keys()];
  const perMeasurement = (count: (m: string) => number): InfluxSeries[] =>
    measurements.flatMap((m) => {
      const n = count(m);
      return n === 0 ? [] : [{ name: m, columns: ['count'], values: [[n]] }];
    });
  switch (stmt.of) {
    case 'series':
      if (!stmt.exact) return [{ columns: ['cardinality estimation'], values: [[[...seriesCounts.values()].reduce((a, b) => a + b, 0)]] }];
      return perMeasurement((m) => seriesCounts.get(m)!);
    case 'measurement':
      return [{ columns: [stmt.exact ? 'count' : 'cardinality estimation'], values: [[measurements.length]] }];
    case 'tagKey':
      return perMeasurement((m) => ctx.router.tagKeys(database, [measurementIs(m), ...where]).length);
    case 'tagValues': {
      const key = stmt.key;
      if (key === undefined) throw new StatementError('not supported yet: SHOW TAG VALUES CARDINALITY without WITH KEY');
      return perMeasurement((m) => {
        const series = [measurementIs(m), ...where];
        return new Set(ctx.router.tagKeys(database, series).filter((k) => keyMatches(key, k)).flatMap((k) => ctx.router.tagValues(database, k, series).map((v) => `${k}=${v}`))).size;
      });
    }
    case 'fieldKey':
      return perMeasurement((m) => ctx.router.fieldsOf(database, m).size);
  }
}

function databaseOf(ctx: StatementContext, sources: readonly Source[], named?: string): string {
  const fromSource = sources.find((s): s is Exclude<Source, { kind: 'subquery' }> => s.kind !== 'subquery' && s.database !== undefined)?.database;
  const database = named ?? fromSource ?? ctx.database;
  if (database === undefined || database === '') throw new StatementError('database name required');
  // In a statement's result InfluxDB leaves the name unquoted (its /write error quotes it).
  if (!ctx.router.hasDatabase(database)) throw new StatementError(`database not found: ${database}`);
  return database;
}

/** The measurements a SHOW statement's FROM names (every one when it has none), sorted. */
function measurementsOf(ctx: StatementContext, database: string, sources: readonly Source[]): string[] {
  const all = ctx.router.measurements(database);
  if (sources.length === 0) return [...all];
  const picked = new Set<string>();
  for (const source of sources) {
    if (source.kind === 'measurement') {
      if (all.includes(source.name)) picked.add(source.name);
    } else if (source.kind === 'regex') {
      const matcher: Matcher = { name: MEASUREMENT_NAME, op: '=~', value: unanchored(source.pattern) };
      for (const m of all) if (matchesValue(matcher, m)) picked.add(m);
    } else {
      throw new StatementError('not supported yet: a subquery in the FROM of a SHOW statement');
    }
  }
  return [...picked].sort();
}

/**
 * The WHERE of a SHOW statement as tag matchers: comparisons of a tag with a string or a regex,
 * joined by AND (what Grafana's chained template variables send). Anything else is not supported yet.
 */
function tagMatchers(condition: Expr): Matcher[] {
  if (condition.kind === 'binary' && condition.op === 'AND') return [...tagMatchers(condition.left), ...tagMatchers(condition.right)];
  if (condition.kind === 'binary' && condition.left.kind === 'ref') {
    const { op, right } = condition;
    const name = condition.left.name;
    if ((op === '=' || op === '!=') && right.kind === 'string') return [{ name, op, value: right.value }];
    if ((op === '=~' || op === '!~') && right.kind === 'regex') return [{ name, op, value: unanchored(right.pattern) }];
  }
  throw new StatementError('not supported yet: this WHERE in a SHOW statement (only tag comparisons joined by AND)');
}

function measurementIs(name: string): Matcher {
  return { name: MEASUREMENT_NAME, op: '=', value: name };
}

function keyMatches(filter: KeyFilter, key: string): boolean {
  switch (filter.op) {
    case '=':
      return key === filter.key;
    case '!=':
      return key !== filter.key;
    case 'in':
      return filter.keys.includes(key);
    case '=~':
    case '!~':
      return matchesValue({ name: 'key', op: filter.op, value: unanchored(filter.pattern) }, key);
  }
}

/** InfluxQL's `/re/` matches anywhere in the value; the index's matchers are anchored. */
function unanchored(pattern: string): string {
  return `.*(?:${pattern}).*`;
}

function page<T>(rows: readonly T[], limits: Pick<Limits, 'limit' | 'offset'>): T[] {
  const from = Math.min(limits.offset, rows.length);
  return limits.limit > 0 ? rows.slice(from, from + limits.limit) : rows.slice(from);
}

function statementName(kind: Statement['kind']): string {
  return kind.replace(/[A-Z]/g, (c) => ` ${c}`).toUpperCase();
}
