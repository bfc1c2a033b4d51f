/**
 * Subqueries (`FROM (SELECT ...)`): the outer query reads the inner query's result series as if
 * they were stored series. This module narrows the inner query the way influxd 1.6 does and turns
 * its results into input series:
 *
 * - the inner query reads only the outer time range (the ranges are intersected);
 * - the outer GROUP BY tags are added to the inner GROUP BY, so an outer `GROUP BY region` over an
 *   inner `GROUP BY host` still sees each point's region (influxd propagates its dimensions inward);
 * - an inner aggregate without GROUP BY time takes the outer interval;
 * - an inner aggregate with fill(null) runs with fill(none): a null cell is no point to the outer
 *   query anyway, and count()'s 0 for an empty bucket must not become a point;
 * - the inner query runs in the outer query's time order.
 *
 * A result series becomes one input series of its measurement: its tags stay tags, each non-time
 * column becomes a field whose type is that of its values (a column with no value is no field),
 * a null cell is no point. The outer WHERE then filters these rows like stored ones.
 */
import { Column, FieldType, timestampMillis, timestampSubMillis, type Tag } from '../core/index.ts';
import type { SeriesData } from '../storage/index.ts';
import { isMath } from './math.ts';
import type { Expr, LogicalQuery, ResultSeries, ResultValue } from './plan.ts';

/** What the executor needs of an input series: stored (SeriesData) or made from a subquery's result. */
export type InputSeries = Pick<SeriesData, 'key' | 'measurement' | 'tags' | 'fields'>;

/** Math functions apply per value: `abs(x)` alone is a raw select. */
const hasCall = (e: Expr): boolean =>
  (e.kind === 'call' && (!isMath(e.name) || e.args.some(hasCall))) || (e.kind === 'binary' && (hasCall(e.left) || hasCall(e.right)));

/** Whether a query is an aggregate (has any function call) rather than a raw select. */
export function isAggregate(query: LogicalQuery): boolean {
  return query.projections.some((p) => hasCall(p.expr));
}

/** The inner query as the outer one runs it; see the module comment. */
export function narrowInner(inner: LogicalQuery, outer: LogicalQuery): LogicalQuery {
  const min = inner.range.min > outer.range.min ? inner.range.min : outer.range.min;
  const max = inner.range.max < outer.range.max ? inner.range.max : outer.range.max;
  const aggregate = isAggregate(inner);
  const outerTags = outer.groupBy.tags;
  const tags = inner.groupBy.tags === '*' || outerTags === '*' ? '*' : [...new Set([...inner.groupBy.tags, ...outerTags])];
  const patterns = [...(inner.groupBy.tagPatterns ?? []), ...(outer.groupBy.tagPatterns ?? [])];
  const time = inner.groupBy.time ?? (aggregate ? outer.groupBy.time : undefined);
  const fill = aggregate && (inner.fill === undefined || inner.fill.kind === 'null') ? { kind: 'none' as const } : inner.fill;
  return {
    ...inner,
    range: { min, max },
    groupBy: { tags, ...(patterns.length > 0 ? { tagPatterns: patterns } : {}), ...(time === undefined ? {} : { time }) },
    ...(fill === undefined ? {} : { fill }),
    order: outer.order ?? 'asc',
  };
}

/** A measurement's input series from a subquery, with the schema they make. */
export interface SubqueryInput {
  readonly name: string;
  readonly series: InputSeries[];
  readonly fields: Map<string, FieldType>;
  readonly tagKeys: Set<string>;
}

function typeOfValue(v: ResultValue): FieldType | undefined {
  switch (typeof v) {
    case 'number':
      return FieldType.Float;
    case 'bigint':
      return FieldType.Integer;
    case 'string':
      return FieldType.String;
    case 'boolean':
      return FieldType.Boolean;
    default:
      return undefined;
  }
}

/** Adds one result series of the inner query to the inputs of its measurement. */
export function addResultSeries(inputs: Map<string, SubqueryInput>, s: ResultSeries): void {
  let input = inputs.get(s.name);
  if (input === undefined) {
    input = { name: s.name, series: [], fields: new Map(), tagKeys: new Set() };
    inputs.set(s.name, input);
  }
  const tags: Tag[] = Object.keys(s.tags)
    .sort()
    .map((key) => ({ key, value: s.tags[key]! }));
  for (const t of tags) input.tagKeys.add(t.key);
  const fields: Array<{ name: string; column: Column }> = [];
  s.columns.forEach((name, c) => {
    if (c === 0) return;
    let type = input.fields.get(name);
    if (type === undefined) {
      for (const row of s.values) {
        type = typeOfValue(row[c] as ResultValue);
        if (type !== undefined) break;
      }
      if (type === undefined) return;
      input.fields.set(name, type);
    }
    const column = new Column(type, s.values.length);
    // Columns run forwards in time; an inner query under ORDER BY time DESC lists its rows backwards.
    const n = s.values.length;
    const backwards = n > 1 && s.values[0]![0] > s.values[n - 1]![0];
    for (let k = 0; k < n; k++) {
      const row = s.values[backwards ? n - 1 - k : k]!;
      const v = row[c] as ResultValue;
      if (v === null) continue;
      const t = row[0];
      const ms = timestampMillis(t);
      const sub = timestampSubMillis(t);
      // A value of another type than the column's is no point (types are fixed per measurement, as in storage).
      if (type === FieldType.Float && (typeof v === 'number' || typeof v === 'bigint')) column.pushFloat(ms, sub, Number(v));
      else if (type === FieldType.Integer && (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) column.pushBigInt(ms, sub, BigInt(v));
      else if (type === FieldType.String && typeof v === 'string') column.pushString(ms, sub, v);
      else if (type === FieldType.Boolean && typeof v === 'boolean') column.pushBoolean(ms, sub, v);
    }
    if (column.length > 0) fields.push({ name, column });
  });
  // Keys sort in the inner query's series order: an outer raw query lists the series in that order (see raw.ts).
  const key = `${s.name}\u0000${String(input.series.length).padStart(10, '0')}`;
  input.series.push({ key, measurement: s.name, tags, fields });
}
