/**
 * What the executor knows about one measurement of the FROM clause while it runs a query over it:
 * which names are fields and which are tags, the type of every projection node (checked here, so a
 * type error fails the query before any data is read), the time grid and ranges, and how to form
 * group keys. Shared by the raw and the aggregate paths.
 */
import { FieldType, fieldTypeName, type Column, MAX_TIMESTAMP, MIN_TIMESTAMP, timestampMillis, timestampSubMillis, type Tag, type TimeRange } from '../core/index.ts';
import { isStreaming, streamingResultType, type BucketTime } from './accumulators.ts';
import { TimeGrid } from './buckets.ts';
import { castColumn, castType, parseCastName } from './casts.ts';
import { collectedResultType } from './collect.ts';
import { compileRegex } from './condition.ts';
import { ACCEPTED_TYPES, type CompiledQuery, type Node } from './compile.ts';
import { QueryError, QueryLimitError } from './errors.ts';
import { binaryType, literalType, mathType } from './math.ts';
import type { LogicalQuery, QueryContext } from './plan.ts';
import type { InputSeries } from './subquery.ts';
import { zoneOffsetNanos } from './timezone.ts';
import { TECHNICAL_NAMES } from './technical.ts';
import { resultTypeOf } from './transforms.ts';

export interface MeasurementSchema {
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldType>;
  /** Sorted. */
  readonly tagKeys: readonly string[];
  /** The series of a subquery source (subquery.ts); the measurement is read from storage when absent. */
  readonly input?: readonly InputSeries[];
}

const ITERATOR_NAMES: Partial<Record<string, string>> = {
  cumulative_sum: 'cumulative sum',
  ...Object.fromEntries(TECHNICAL_NAMES.map((name) => [name, name.replaceAll('_', ' ')])),
};

function unsupported(fn: string, type: FieldType): QueryError {
  return new QueryError(`unsupported ${ITERATOR_NAMES[fn] ?? fn} iterator type: ${fieldTypeName(type)}`);
}

export class MeasurementPlan {
  readonly name: string;
  /** The measurement's fields, and the cast names (casts.ts) of the query that read something here, with the cast's type. */
  readonly fields: ReadonlyMap<string, FieldType>;
  /** Cast names that read a field of this measurement: the executor adds their columns to each series read. */
  readonly casts: ReadonlyArray<{ readonly name: string; readonly base: string; readonly type: FieldType }>;
  readonly grid: TimeGrid | undefined;
  /** The query's range, and the range read (one interval wider when a transformation needs the bucket before the first). */
  readonly range: TimeRange;
  readonly readRange: TimeRange;
  /** Tag keys that form group keys, sorted. */
  readonly groupKeys: readonly string[];
  readonly desc: boolean;
  /** See MeasurementSchema.input. */
  readonly input: readonly InputSeries[] | undefined;
  /** Result type of each slot; undefined when the slot's field is not in this measurement. */
  readonly slotTypes: ReadonlyArray<FieldType | undefined>;
  private readonly nodeTypes = new Map<Node, FieldType>();
  /** Time of the one row of an aggregate without GROUP BY time: the range start, or the epoch when unbounded. */
  private readonly t0: { ms: number; sub: number };

  constructor(
    readonly query: LogicalQuery,
    readonly compiled: CompiledQuery,
    schema: MeasurementSchema,
    readonly ctx: QueryContext,
  ) {
    this.name = schema.name;
    const fields = new Map(schema.fields);
    const casts: Array<{ name: string; base: string; type: FieldType }> = [];
    for (const name of [...compiled.names, ...compiled.slots.map((s) => s.field)]) {
      const parsed = parseCastName(name);
      const source = parsed === undefined ? undefined : schema.fields.get(parsed.base);
      if (parsed === undefined || source === undefined || fields.has(name)) continue;
      const type = castType(parsed.cast, source);
      if (type === undefined) continue;
      fields.set(name, type);
      casts.push({ name, base: parsed.base, type });
    }
    this.fields = fields;
    this.casts = casts;
    this.input = schema.input;
    this.desc = compiled.order === 'desc' && !compiled.topBottomOnly;
    this.range = query.range;
    const t = query.groupBy.time;
    const bounded = query.range.min > MIN_TIMESTAMP;
    this.grid = t === undefined ? undefined : new TimeGrid(t.interval, zonedOffset(query, t), bounded ? query.range.min : undefined);
    let { min, max } = query.range;
    if (t !== undefined && compiled.slots.some((s) => s.extended)) {
      if (compiled.order === 'desc') max = max + t.interval > MAX_TIMESTAMP ? MAX_TIMESTAMP : max + t.interval;
      else min = min - t.interval < MIN_TIMESTAMP ? MIN_TIMESTAMP : min - t.interval;
    }
    this.readRange = { min, max };
    if (t !== undefined && bounded && query.range.max < MAX_TIMESTAMP) {
      const buckets = (query.range.max - query.range.min) / t.interval + 1n;
      if (buckets > BigInt(ctx.maxPoints)) throw new QueryLimitError(ctx.maxPoints, 'buckets');
    }
    const grouped = query.groupBy.tags;
    const patterns = (query.groupBy.tagPatterns ?? []).map(compileRegex);
    const byPattern = schema.tagKeys.filter((k) => patterns.some((re) => re.testExact(k)));
    this.groupKeys = grouped === '*' ? schema.tagKeys : [...new Set([...grouped, ...byPattern])].sort();
    const t0 = query.range.min === MIN_TIMESTAMP ? 0n : query.range.min;
    this.t0 = { ms: timestampMillis(t0), sub: timestampSubMillis(t0) };
    this.slotTypes = compiled.slots.map((slot) => {
      const type = this.fields.get(slot.field);
      if (type === undefined) return undefined;
      if (!ACCEPTED_TYPES[slot.fn].includes(type)) throw unsupported(slot.fn, type);
      return isStreaming(slot, compiled.hasAux) ? streamingResultType(slot.fn, type) : collectedResultType(slot, type);
    });
    for (const node of compiled.outputs) this.typeOf(node);
  }

  isField(name: string): boolean {
    return this.fields.has(name);
  }

  /** The tag a ref reads when the series has no such field: its own name, the base of `x::tag`, none for other casts. */
  tagKeyOf(name: string): string | undefined {
    const parsed = parseCastName(name);
    if (parsed === undefined) return name;
    return parsed.cast === 'tag' ? parsed.base : undefined;
  }

  /** A series' columns by name, with the columns of this plan's casts added. */
  withCasts(columns: Map<string, Column>): Map<string, Column> {
    for (const c of this.casts) {
      const source = columns.get(c.base);
      if (source !== undefined) columns.set(c.name, castColumn(source, c.type));
    }
    return columns;
  }

  /** The type of a node's values in this measurement; checks functions and arithmetic on the way. */
  typeOf(node: Node): FieldType {
    let type = this.nodeTypes.get(node);
    if (type !== undefined) return type;
    switch (node.kind) {
      case 'ref':
        type = this.fields.get(node.name) ?? FieldType.String;
        break;
      case 'number':
        type = literalType(node.value);
        break;
      case 'slot':
        type = this.slotTypes[node.slot] ?? FieldType.Float;
        break;
      case 'points':
        type = this.fields.get(node.field) ?? FieldType.Float;
        break;
      case 'transform': {
        const input = this.typeOf(node.input);
        const known = node.input.kind === 'points' ? this.fields.has(node.input.field) : node.input.kind !== 'slot' || this.slotTypes[node.input.slot] !== undefined;
        if (known && !ACCEPTED_TYPES[node.fn].includes(input)) throw unsupported(node.fn, input);
        type = resultTypeOf(node.fn, input);
        break;
      }
      case 'binary': {
        const l = this.typeOf(node.left);
        const r = this.typeOf(node.right);
        type = binaryType(node.op, l, r, () => `${describe(node.left, l)} ${node.op} ${describe(node.right, r)}`);
        break;
      }
      case 'math': {
        const [first, ...rest] = node.args.map((a) => this.typeOf(a));
        type = rest.length > 0 ? FieldType.Float : mathType(node.fn, first!);
        break;
      }
    }
    this.nodeTypes.set(node, type);
    return type;
  }

  /** The split start of bucket `b`, or the single row's time without GROUP BY time. */
  readonly bucketTime: BucketTime = (b) => {
    return this.grid === undefined ? this.t0 : this.grid.splitStartOf(b);
  };

  /** A series' group: its key (values joined by NUL, which sorts before any character) and tags. */
  groupOf(tags: readonly Tag[]): { key: string; tags: Record<string, string> } {
    const out: Record<string, string> = {};
    let key = '';
    for (const k of this.groupKeys) {
      let value = '';
      for (const t of tags) {
        if (t.key === k) {
          value = t.value;
          break;
        }
      }
      out[k] = value;
      key += value + '\u0000';
    }
    return { key, tags: out };
  }

  /** The buckets of a group's grid: from the range's (or, unbounded, the data's) first bucket to its last. */
  bucketSpan(dataFirst: number, dataLast: number): { first: number; last: number } {
    const grid = this.grid!;
    const first = this.range.min > MIN_TIMESTAMP ? grid.bucketOfTime(this.range.min) : dataFirst;
    const last = this.range.max < MAX_TIMESTAMP ? grid.bucketOfTime(this.range.max) : dataLast;
    return { first, last };
  }
}

/**
 * The grid offset of a GROUP BY time under tz(): buckets start at `k * interval + offset` local
 * time, i.e. the zone's UTC offset earlier (see timezone.ts for DST).
 */
function zonedOffset(query: LogicalQuery, t: NonNullable<LogicalQuery['groupBy']['time']>): bigint {
  if (query.timezone === undefined) return t.offset;
  const at = query.range.min > MIN_TIMESTAMP ? query.range.min : query.range.max < MAX_TIMESTAMP ? query.range.max : 0n;
  const offset = t.offset - zoneOffsetNanos(query.timezone, at);
  return ((offset % t.interval) + t.interval) % t.interval;
}

function describe(node: Node, type: FieldType): string {
  const name = node.kind === 'ref' ? node.name : node.kind === 'number' ? String(node.value) : node.kind === 'transform' || node.kind === 'math' ? `${node.fn}()` : node.kind === 'binary' ? '(...)' : 'call';
  return `${name}::${fieldTypeName(type)}`;
}
