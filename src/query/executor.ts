/**
 * The executor: runs a LogicalQuery against a ShardRouter and streams result series in InfluxDB's
 * order (measurements by name, then groups by tag values; reversed for ORDER BY time DESC).
 *
 * Per measurement of the FROM clause: one router select per conjunction of the condition's tag
 * part (condition.ts), series streamed one at a time under the query's budget (select.ts), each
 * series' tag leaves decided once and its field leaves evaluated on its rows, then handed to its
 * group (raw.ts or aggregate.ts). When the scan ends every group is finished and emitted.
 *
 * SLIMIT/SOFFSET apply per measurement, as influxd 1.6 applies them (to the tag sets of each
 * measurement), then ORDER BY DESC reverses the series order.
 */
import type { ScanReport, ShardRouter } from '../cluster/index.ts';
import type { Column, FieldType } from '../core/index.ts';
import { MEASUREMENT_NAME } from '../index/index.ts';
import { AggregateGroup, AggregateShape } from './aggregate.ts';
import { checkQuery, compileQuery, type Schema } from './compile.ts';
import { compileRegex, conditionFields, residualFor, rowMask, tagDisjuncts } from './condition.ts';
import { MeasurementPlan, type MeasurementSchema } from './measurement.ts';
import type { LogicalQuery, MeasurementSource, QueryContext, ResultSeries } from './plan.ts';
import { RawGroup } from './raw.ts';
import { Rows } from './rows.ts';
import { addResultSeries, narrowInner, type InputSeries, type SubqueryInput } from './subquery.ts';
import { checkNamespace, checkSignal, namespaceOf, scan, ScanBudget } from './select.ts';

/** Runs a query, streaming its result series. See the module comment. */
export function executeQuery(router: ShardRouter, query: LogicalQuery, ctx: QueryContext): AsyncGenerator<ResultSeries> {
  return runQuery(router, query, ctx);
}

/** The measurements of the FROM clause that exist in storage, sorted, with their fields and tag keys. */
export function measurementSchemas(router: ShardRouter, query: LogicalQuery): MeasurementSchema[] {
  const all = router.measurements(query.database);
  const names = new Set<string>();
  const walk = (from: MeasurementSource): void => {
    if (from.kind === 'name') {
      if (all.includes(from.name)) names.add(from.name);
    } else if (from.kind === 'regex') {
      const re = compileRegex(from.pattern);
      for (const m of all) if (re.testExact(m)) names.add(m);
    } else if (from.kind === 'list') {
      from.sources.forEach(walk);
    }
  };
  walk(query.from);
  return [...names].sort().map((name) => ({
    name,
    fields: router.fieldsOf(namespaceOf(query), name),
    tagKeys: [...router.tagKeys(query.database, [{ name: MEASUREMENT_NAME, op: '=', value: name }])].sort(),
  }));
}

/** The subqueries of the FROM clause. */
function subqueries(from: MeasurementSource): LogicalQuery[] {
  if (from.kind === 'subquery') return [from.query];
  if (from.kind === 'list') return from.sources.flatMap(subqueries);
  return [];
}

/**
 * The inputs of a query: the stored measurements of its FROM clause, and the measurements of its
 * subqueries' results (run here, narrowed by the outer query), sorted by name.
 */
async function querySchemas(router: ShardRouter, query: LogicalQuery, ctx: QueryContext, budget: ScanBudget): Promise<MeasurementSchema[]> {
  const schemas = measurementSchemas(router, query);
  const inner = subqueries(query.from);
  if (inner.length === 0) return schemas;
  const inputs = new Map<string, SubqueryInput>();
  for (const q of inner) {
    for await (const s of runWithBudget(router, narrowInner(q, query), ctx, budget, undefined)) addResultSeries(inputs, s);
  }
  for (const input of inputs.values()) schemas.push({ name: input.name, fields: input.fields, tagKeys: [...input.tagKeys].sort(), input: input.series });
  // Stable: a stored measurement comes before a subquery's of the same name.
  return schemas.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function unionSchema(schemas: readonly MeasurementSchema[]): Schema {
  const fields = new Map<string, FieldType>();
  const tagKeys = new Set<string>();
  for (const s of schemas) {
    for (const [name, type] of s.fields) if (!fields.has(name)) fields.set(name, type);
    for (const k of s.tagKeys) tagKeys.add(k);
  }
  return { fields, tagKeys };
}

/** Compiles a query into one plan per measurement; throws QueryError before any data is read (but a subquery's). */
export async function planQuery(router: ShardRouter, query: LogicalQuery, ctx: QueryContext, budget = new ScanBudget(ctx)): Promise<MeasurementPlan[]> {
  checkQuery(query);
  checkNamespace(router, namespaceOf(query));
  const schemas = await querySchemas(router, query, ctx, budget);
  if (schemas.length === 0) return [];
  const compiled = compileQuery(query, unionSchema(schemas));
  return schemas.map((schema) => new MeasurementPlan(query, compiled, schema, ctx));
}

/** `executeQuery` with a ScanReport to fill (EXPLAIN). */
export async function* runQuery(router: ShardRouter, query: LogicalQuery, ctx: QueryContext, report?: ScanReport): AsyncGenerator<ResultSeries> {
  checkSignal(ctx);
  yield* runWithBudget(router, query, ctx, new ScanBudget(ctx), report);
}

/** Runs a query whose points count against `budget` (shared with the outer query of a subquery). */
async function* runWithBudget(router: ShardRouter, query: LogicalQuery, ctx: QueryContext, budget: ScanBudget, report: ScanReport | undefined): AsyncGenerator<ResultSeries> {
  const plans = await planQuery(router, query, ctx, budget);
  if (query.range.min > query.range.max) return;
  for (const plan of plans) yield* runMeasurement(router, plan, budget, report);
}

/** The fields a plan reads: those its projections and its condition name, when the measurement has them. */
export function fieldsToRead(plan: MeasurementPlan): { read: string[]; output: string[] } {
  const output = [...plan.compiled.names, ...plan.compiled.slots.map((s) => s.field)].filter((n) => plan.isField(n));
  // A cast name reads its source field.
  const sources = output.map((n) => plan.casts.find((c) => c.name === n)?.base ?? n);
  const read = [...new Set([...sources, ...conditionFields(plan.query.condition)])].filter((n) => plan.isField(n));
  return { read, output: [...new Set(output)] };
}

/** A plan's input series: a subquery's results, or the series of one storage select per conjunction of the condition's tag part. */
async function* inputSeries(router: ShardRouter, plan: MeasurementPlan, budget: ScanBudget, report: ScanReport | undefined): AsyncGenerator<InputSeries> {
  if (plan.input !== undefined) {
    // Tag leaves of the condition are decided per series (residualFor), as for stored series.
    yield* plan.input;
    return;
  }
  const { read } = fieldsToRead(plan);
  const disjuncts = tagDisjuncts(plan.query.condition);
  const seen = disjuncts.length > 1 ? new Set<string>() : undefined;
  for (const conjunction of disjuncts) {
    const request = { matchers: [{ name: MEASUREMENT_NAME, op: '=' as const, value: plan.name }, ...conjunction], fields: read, range: plan.readRange };
    for await (const series of scan(router, namespaceOf(plan.query), request, budget, plan.ctx, report)) {
      if (seen !== undefined) {
        if (seen.has(series.key)) continue;
        seen.add(series.key);
      }
      yield series;
    }
  }
}

async function* runMeasurement(router: ShardRouter, plan: MeasurementPlan, budget: ScanBudget, report: ScanReport | undefined): AsyncGenerator<ResultSeries> {
  const { query, compiled } = plan;
  const { output } = fieldsToRead(plan);
  // A measurement without any selected field has no rows (influxd: no series).
  if (output.length === 0) return;
  const raw = compiled.mode === 'raw';
  const shape = raw ? undefined : new AggregateShape(plan);
  const groups = new Map<string, RawGroup | AggregateGroup>();
  for await (const series of inputSeries(router, plan, budget, report)) {
    const residual = residualFor(query.condition, { measurement: series.measurement, tags: series.tags, fieldTypes: plan.fields });
    if (residual === false) continue;
    const { key, tags } = plan.groupOf(series.tags);
    let group = groups.get(key);
    if (group === undefined) {
      group = raw ? new RawGroup(plan, tags) : new AggregateGroup(shape!, tags);
      groups.set(key, group);
    }
    let columns: ReadonlyMap<string, Column> = plan.withCasts(new Map(series.fields.map((f) => [f.name, f.column])));
    if (group instanceof RawGroup) {
      const rows = Rows.align(columns);
      group.add(series.key, series.tags, rows, residual === true ? undefined : rowMask(residual, rows));
      continue;
    }
    if (residual !== true) {
      const rows = Rows.align(columns);
      const mask = rowMask(residual, rows);
      const kept = new Map<string, Column>();
      for (const name of columns.keys()) kept.set(name, rows.filtered(name, mask)!);
      columns = kept;
    }
    group.add(series.key, series.tags, columns);
  }

  let keys = [...groups.keys()].sort();
  const soffset = query.soffset ?? 0;
  const slimit = query.slimit ?? 0;
  if (soffset > 0 || slimit > 0) keys = keys.slice(soffset, slimit > 0 ? soffset + slimit : undefined);
  if (compiled.order === 'desc') keys.reverse();
  const columns = ['time', ...compiled.columns];
  for (const key of keys) {
    const group = groups.get(key)!;
    groups.delete(key);
    const values = group.finish();
    budget.work(values?.length ?? 0);
    await budget.pause();
    if (values !== undefined) yield { name: plan.name, tags: group.tags, columns, values };
  }
}
