import { fieldTypeName, formatGoDuration, RustsError, type Timestamp } from '../../core/index.ts';
import { DEFAULT_RETENTION_POLICY, type Namespace, type RetentionPolicySpec, type ShardRouter } from '../../cluster/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../../index/index.ts';
import { checkNamespace, executeQuery, type LogicalQuery, type QueryContext, type ResultSeries } from '../../query/index.ts';
import { changesState, namedDatabase, readOnlyWarning, seriesScope, statementText, unanchored } from '../../query/influxql/index.ts';
import type { Expr, KeyFilter, Limits, RetentionSettings, SelectStatement, Source, Statement } from '../../query/influxql/index.ts';
import { intoBatch } from './into.ts';
import { requirements, type Requirement } from './privileges.ts';
import { timeFormatter, toInfluxSeries, type InfluxSeries, type StatementResult } from './results.ts';

/** What running one statement needs from the request that carries it. */
export interface StatementContext {
  readonly router: ShardRouter;
  /** The `db` parameter: the database of statements that name none. */
  readonly database: string | undefined;
  /** The `rp` parameter: the retention policy of statements that name none (the database's default when unset). */
  readonly retentionPolicy: string | undefined;
  /** A GET request: statements that change state still run, with influxd's deprecation warning. */
  readonly readOnly: boolean;
  readonly now: Timestamp;
  readonly query: QueryContext;
  /** The `epoch` parameter: how result times are written (RFC3339 when unset). */
  readonly epoch: string | undefined;
  /** Turns a SELECT into the executor's plan (the InfluxQL compiler). */
  readonly compile: (stmt: SelectStatement, database: string) => LogicalQuery;
  /** Who is asking, for influxd's authorization errors (empty with auth off). */
  readonly principal: string;
  /** Whether the caller has a privilege (`authorizeQuery` checks every statement's before any runs). */
  readonly permits: (requirement: Requirement) => boolean;
  /** Whether the caller may read or write the database: SHOW DATABASES lists those, as influxd does. */
  readonly canAccess: (database: string) => boolean;
  /**
   * The user and privilege statements, which the auth layer (owner of the users) runs and
   * authorizes itself. A string is the statement's error ("user not found"), as InfluxDB reports it.
   */
  readonly users: {
    readonly execute: (
      stmt: Extract<Statement, { kind: 'showUsers' | 'showGrants' | 'createUser' | 'dropUser' | 'setPassword' | 'grant' | 'revoke' }>,
    ) => Promise<InfluxSeries[] | string>;
  };
}

/** A statement the caller lacks a privilege for: the whole query is refused with 403, as by influxd. */
class QueryForbiddenError extends RustsError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/**
 * Checks every statement's privileges before any runs (influxd's order: a query with one forbidden
 * statement changes nothing), with influxd's wording.
 * @throws QueryForbiddenError
 */
export function authorizeQuery(statements: readonly Statement[], ctx: StatementContext): void {
  for (const stmt of statements) {
    for (const requirement of requirements(stmt, ctx.database)) {
      if (ctx.permits(requirement)) continue;
      const needs = 'admin' in requirement ? 'admin privilege' : `${requirement.access.toUpperCase()} on ${requirement.database}`;
      throw new QueryForbiddenError(`error authorizing query: ${ctx.principal} not authorized to execute statement '${statementText(stmt)}', requires ${needs}`);
    }
  }
}

/** A failure InfluxDB reports in the statement's result rather than as the request's error. */
class StatementError extends Error {}

// Failures of one statement that InfluxDB reports in its result (the request itself succeeds).
const STATEMENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'bad_query',
  'bad_matcher',
  'query_limit_exceeded',
  'query_timeout',
  'retention_policy_not_found',
  'invalid_retention_policy',
  'retention_policy_conflict',
]);

/**
 * Runs one parsed statement. Its own failures (no database, unknown database, something not
 * supported) become the statement's `error`, as InfluxDB reports them; the statements after it
 * still run.
 */
export async function executeStatement(stmt: Statement, statementId: number, ctx: StatementContext): Promise<StatementResult> {
  const messages = ctx.readOnly && changesState(stmt) ? [{ level: 'warning' as const, text: readOnlyWarning(stmt.kind === 'select' ? qualified(stmt, ctx) : stmt) }] : [];
  try {
    const series = await run(stmt, ctx);
    const inChunks = stmt.kind === 'select' || stmt.kind === 'showSeries' || stmt.kind === 'showFieldKeys';
    return { statementId, ...(series.length === 0 ? {} : { series }), ...(messages.length === 0 ? {} : { messages }), ...(inChunks ? { inChunks } : {}) };
  } catch (err) {
    if (err instanceof StatementError || (err instanceof RustsError && STATEMENT_ERROR_CODES.has(err.code))) return { statementId, error: err.message };
    throw err;
  }
}

async function run(stmt: Statement, ctx: StatementContext): Promise<InfluxSeries[]> {
  switch (stmt.kind) {
    case 'select': {
      const database = databaseOf(ctx, stmt.sources);
      if (stmt.into !== undefined) return selectInto(stmt, stmt.into, database, ctx);
      const query = ctx.compile(stmt, database);
      const time = timeFormatter(ctx.epoch, query.timezone);
      const out: InfluxSeries[] = [];
      for await (const s of executeQuery(ctx.router, query, ctx.query)) out.push(toInfluxSeries(s, time));
      return out;
    }
    case 'showDatabases': {
      const names = ctx.router.databases().filter((db) => ctx.canAccess(db));
      return names.length === 0 ? [] : [{ name: 'databases', columns: ['name'], values: names.map((n) => [n]) }];
    }
    case 'showMeasurements': {
      const database = databaseOf(ctx, [], stmt.database);
      let names = indexScope(ctx, database, stmt.condition, { error: "SHOW MEASUREMENTS doesn't support time in WHERE clause" }).measurements();
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
      const scope = indexScope(ctx, database, stmt.condition);
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const keys = page(scope.tagKeys(m), stmt);
        return keys.length === 0 ? [] : [{ name: m, columns: ['tagKey'], values: keys.map((k) => [k]) }];
      });
    }
    case 'showTagValues': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      const scope = indexScope(ctx, database, stmt.condition);
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const keys = scope.tagKeys(m).filter((k) => keyMatches(stmt.key, k));
        const rows = page(
          keys.flatMap((k) => scope.tagValues(k, m).map((v) => [k, v])),
          stmt,
        );
        return rows.length === 0 ? [] : [{ name: m, columns: ['key', 'value'], values: rows }];
      });
    }
    case 'showFieldKeys': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      const namespace = fieldNamespace(ctx, database, stmt.sources);
      return measurementsOf(ctx, database, stmt.sources).flatMap((m) => {
        const fields = [...ctx.router.fieldsOf(namespace, m)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const rows = page(fields.map(([name, type]) => [name, fieldTypeName(type)]), stmt);
        return rows.length === 0 ? [] : [{ name: m, columns: ['fieldKey', 'fieldType'], values: rows }];
      });
    }
    case 'showSeries': {
      const database = databaseOf(ctx, stmt.sources, stmt.database);
      const scope = indexScope(ctx, database, stmt.condition);
      const measurements = stmt.sources.length === 0 ? undefined : measurementsOf(ctx, database, stmt.sources);
      const keys = (measurements ?? [undefined]).flatMap((m) => scope.seriesKeys(m));
      const rows = page(keys, stmt).map((k) => [k]);
      return rows.length === 0 ? [] : [{ columns: ['key'], values: rows }];
    }
    case 'showCardinality':
      return cardinality(stmt, ctx);
    case 'showUsers':
    case 'showGrants':
    case 'createUser':
    case 'dropUser':
    case 'setPassword':
    case 'grant':
    case 'revoke': {
      const outcome = await ctx.users.execute(stmt);
      if (typeof outcome === 'string') throw new StatementError(outcome);
      return outcome;
    }
    case 'showRetentionPolicies': {
      const database = databaseOf(ctx, [], stmt.database);
      const { policies, defaultPolicy } = ctx.router.retentionPolicies(database);
      const values = policies.map((p) => [p.name, formatGoDuration(p.duration), formatGoDuration(p.shardDuration), p.replication, p.name === defaultPolicy]);
      return [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values }];
    }
    case 'showContinuousQueries':
      // Continuous queries are not kept yet: each database answers with an empty list, influxd's shape for none.
      return ctx.router
        .databases()
        .filter((db) => ctx.canAccess(db))
        .map((db) => ({ name: db, columns: ['name', 'query'], values: [] }));
    case 'createDatabase':
      await ctx.router.createDatabase(stmt.name, stmt.retention === undefined ? undefined : policySpec(stmt.retention, stmt.retention.name));
      return [];
    case 'createRetentionPolicy':
      await ctx.router.createRetentionPolicy(databaseOf(ctx, [], stmt.database), policySpec(stmt.settings, stmt.name), stmt.settings.isDefault === true);
      return [];
    case 'alterRetentionPolicy': {
      const { duration, shardDuration, replication, isDefault } = stmt.settings;
      await ctx.router.alterRetentionPolicy(databaseOf(ctx, [], stmt.database), stmt.name, {
        ...(duration === undefined ? {} : { duration }),
        ...(shardDuration === undefined ? {} : { shardDuration }),
        ...(replication === undefined ? {} : { replication }),
        makeDefault: isDefault === true,
      });
      return [];
    }
    case 'dropRetentionPolicy': {
      const database = databaseOf(ctx, [], stmt.database);
      // Dropping a policy that does not exist is no error in InfluxDB either.
      await ctx.router.dropRetentionPolicy(database, stmt.name);
      return [];
    }
    case 'dropMeasurement': {
      const database = deletionDatabase(ctx);
      await ctx.router.deleteSeries(database, [measurementIs(stmt.name)]);
      return [];
    }
    case 'dropSeries':
    case 'delete': {
      const database = deletionDatabase(ctx, stmt.sources);
      const measurements = stmt.sources.length === 0 ? undefined : measurementsOf(ctx, database, stmt.sources);
      const policies = ctx.router.retentionPolicies(database).policies.map((p): Namespace => ({ database, retentionPolicy: p.name }));
      const isField = (name: string) => (measurements ?? ctx.router.measurements(database)).some((m) => policies.some((ns) => ctx.router.fieldsOf(ns, m).has(name)));
      const scope = seriesScope(stmt.condition, ctx.now, {
        time: stmt.kind === 'delete' ? 'range' : { error: "DROP SERIES doesn't support time in WHERE clause" },
        fields: { isField, error: 'fields not supported in WHERE clause during deletion' },
      });
      for (const m of measurements ?? [undefined]) {
        for (const conjunction of scope.disjuncts) {
          const matchers = m === undefined ? conjunction : [measurementIs(m), ...conjunction];
          await ctx.router.deleteSeries(database, matchers, scope.range);
        }
      }
      return [];
    }
    case 'dropDatabase':
      // Dropping a database that does not exist is no error in InfluxDB either.
      await ctx.router.dropDatabase(stmt.name);
      return [];
    default:
      throw new StatementError(`not supported yet: ${statementName(stmt.kind)}`);
  }
}

/**
 * The statement with each source's and the INTO target's database and retention policy filled in
 * (the request's database, a database's default policy), as influxd prints it in a warning.
 */
function qualified(stmt: SelectStatement, ctx: StatementContext): SelectStatement {
  const policyOf = (database: string, named: string | undefined): string | undefined => {
    if (named !== undefined && named !== '') return named;
    return ctx.router.hasDatabase(database) ? ctx.router.retentionPolicies(database).defaultPolicy : named;
  };
  const database = ctx.database;
  if (database === undefined || database === '') return stmt;
  const sources = stmt.sources.map((s): Source => {
    if (s.kind === 'subquery') return { kind: 'subquery', statement: qualified(s.statement, ctx) };
    const db = s.database ?? database;
    const retentionPolicy = policyOf(db, s.retentionPolicy ?? ctx.retentionPolicy);
    return { ...s, database: db, ...(retentionPolicy === undefined ? {} : { retentionPolicy }) };
  });
  const into = stmt.into;
  if (into === undefined) return { ...stmt, sources };
  const intoDatabase = into.database ?? database;
  const intoPolicy = policyOf(intoDatabase, into.retentionPolicy);
  return { ...stmt, sources, into: { ...into, database: intoDatabase, ...(intoPolicy === undefined ? {} : { retentionPolicy: intoPolicy }) } };
}

/** Runs the SELECT and writes its rows into the INTO target; answers influxd's one-row `result` series. */
async function selectInto(stmt: SelectStatement, into: NonNullable<SelectStatement['into']>, database: string, ctx: StatementContext): Promise<InfluxSeries[]> {
  const target = into.database ?? database;
  const namespace: Namespace = { database: target, retentionPolicy: into.retentionPolicy === '' ? undefined : into.retentionPolicy };
  const series: ResultSeries[] = [];
  // Buckets fill(null) fills are not written, not even count's, which shows them as 0.
  const fill = stmt.fill === undefined || stmt.fill.kind === 'null' ? { kind: 'none' as const } : stmt.fill;
  for await (const s of executeQuery(ctx.router, ctx.compile({ ...stmt, into: undefined, fill }, database), ctx.query)) series.push(s);
  const { batch, rows } = intoBatch(series, (s) => (into.allMeasurements ? s.name : into.name!));
  if (rows > 0) {
    // As in influxd, a missing target only matters when there is something to write.
    if (!ctx.router.hasDatabase(target)) throw new StatementError(`database not found: ${target}`);
    checkNamespace(ctx.router, namespace);
    const result = await ctx.router.write(namespace, batch);
    if (result.errors.length > 0) throw new StatementError(`partial write: ${result.errors[0]!.message} dropped=${result.dropped}`);
  }
  return [{ name: 'result', columns: ['time', 'written'], values: [[timeFormatter(ctx.epoch)(0n), rows]] }];
}

/**
 * SHOW ... CARDINALITY. The counts are exact; the forms InfluxDB estimates (without EXACT) keep its
 * one-row `cardinality estimation` shape, the others count per measurement.
 */
function cardinality(stmt: Extract<Statement, { kind: 'showCardinality' }>, ctx: StatementContext): InfluxSeries[] {
  const database = databaseOf(ctx, stmt.sources, stmt.database);
  if (stmt.dimensions.length > 0) throw new StatementError('not supported yet: SHOW ... CARDINALITY with GROUP BY');
  const scope = indexScope(ctx, database, stmt.condition);
  // Series per measurement, counted once: the measurements without a matching series drop out.
  const seriesCounts = new Map<string, number>();
  for (const m of measurementsOf(ctx, database, stmt.sources)) {
    const n = scope.seriesKeys(m).length;
    if (n > 0) seriesCounts.set(m, n);
  }
  const measurements = [...seriesCounts.keys()];
  const perMeasurement = (count: (m: string) => number): InfluxSeries[] =>
    measurements.flatMap((m) => {
      const n = count(m);
      return n === 0 ? [] : [{ name: m, columns: ['count'], values: [[n]] }];
    });
  // influxd estimates only over a whole database; FROM or WHERE make it count exactly.
  const estimate = !stmt.exact && stmt.sources.length === 0 && stmt.condition === undefined;
  switch (stmt.of) {
    case 'series':
      if (estimate) return [{ columns: ['cardinality estimation'], values: [[[...seriesCounts.values()].reduce((a, b) => a + b, 0)]] }];
      return perMeasurement((m) => seriesCounts.get(m)!);
    case 'measurement':
      return [{ columns: [estimate ? 'cardinality estimation' : 'count'], values: [[measurements.length]] }];
    case 'tagKey':
      return perMeasurement((m) => scope.tagKeys(m).length);
    case 'tagValues': {
      const key = stmt.key;
      if (key === undefined) throw new StatementError('not supported yet: SHOW TAG VALUES CARDINALITY without WITH KEY');
      return perMeasurement((m) => new Set(scope.tagKeys(m).filter((k) => keyMatches(key, k)).flatMap((k) => scope.tagValues(k, m).map((v) => `${k}=${v}`))).size);
    }
    case 'fieldKey': {
      const namespace = fieldNamespace(ctx, database, stmt.sources);
      return perMeasurement((m) => ctx.router.fieldsOf(namespace, m).size);
    }
  }
}

function databaseOf(ctx: StatementContext, sources: readonly Source[], named?: string, missingMessage = 'database name required'): string {
  const database = named ?? namedDatabase(sources) ?? ctx.database;
  if (database === undefined || database === '') throw new StatementError(missingMessage);
  // In a statement's result InfluxDB leaves the name unquoted (its /write error quotes it).
  if (!ctx.router.hasDatabase(database)) throw new StatementError(`database not found: ${database}`);
  return database;
}

/** The index lookups of a SHOW statement over the series its WHERE selects: a union over the WHERE's OR branches. */
interface IndexScope {
  measurements(): string[];
  tagKeys(measurement: string): string[];
  tagValues(key: string, measurement: string): string[];
  /** Of one measurement, or of every one. */
  seriesKeys(measurement: string | undefined): string[];
}

function indexScope(ctx: StatementContext, database: string, condition: Expr | undefined, time: 'ignore' | { error: string } = 'ignore'): IndexScope {
  const { disjuncts } = seriesScope(condition, ctx.now, { time });
  const union = (lookup: (conjunction: readonly Matcher[]) => readonly string[]): string[] =>
    disjuncts.length === 1 ? [...lookup(disjuncts[0]!)] : [...new Set(disjuncts.flatMap((c) => lookup(c)))].sort();
  const of = (measurement: string | undefined, conjunction: readonly Matcher[]) => (measurement === undefined ? conjunction : [measurementIs(measurement), ...conjunction]);
  const { router } = ctx;
  return {
    measurements: () => union((c) => (c.length === 0 ? router.measurements(database) : router.tagValues(database, MEASUREMENT_NAME, c))),
    tagKeys: (m) => union((c) => router.tagKeys(database, of(m, c))),
    tagValues: (key, m) => union((c) => router.tagValues(database, key, of(m, c))),
    seriesKeys: (m) => union((c) => router.seriesKeys(database, of(m, c))),
  };
}

/** The database of DROP MEASUREMENT, DROP SERIES and DELETE, which influxd reports missing with an empty name. */
function deletionDatabase(ctx: StatementContext, sources: readonly Source[] = []): string {
  return databaseOf(ctx, sources, undefined, 'database not found: ');
}

/** The namespace a SHOW statement reads fields from: the first source's retention policy, or the request's. */
function fieldNamespace(ctx: StatementContext, database: string, sources: readonly Source[]): Namespace {
  const fromSource = sources.find((s): s is Exclude<Source, { kind: 'subquery' }> => s.kind !== 'subquery' && s.retentionPolicy !== undefined && s.retentionPolicy !== '')?.retentionPolicy;
  return { database, retentionPolicy: fromSource ?? ctx.retentionPolicy };
}

function policySpec(settings: RetentionSettings, name: string | undefined): RetentionPolicySpec {
  return {
    name: name ?? DEFAULT_RETENTION_POLICY,
    ...(settings.duration === undefined ? {} : { duration: settings.duration }),
    ...(settings.shardDuration === undefined ? {} : { shardDuration: settings.shardDuration }),
    ...(settings.replication === undefined ? {} : { replication: settings.replication }),
  };
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

function page<T>(rows: readonly T[], limits: Pick<Limits, 'limit' | 'offset'>): T[] {
  const from = Math.min(limits.offset, rows.length);
  return limits.limit > 0 ? rows.slice(from, from + limits.limit) : rows.slice(from);
}

function statementName(kind: Statement['kind']): string {
  return kind.replace(/[A-Z]/g, (c) => ` ${c}`).toUpperCase();
}
