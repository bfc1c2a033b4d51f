/**
 * One group of an aggregate query (a measurement and one combination of GROUP BY tag values):
 * series are added one at a time as the scan streams them; `finish` turns the group's state into
 * result rows. The pipeline per group, in influxd's order:
 *
 *   slots (per-bucket aggregates) -> ORDER BY (reverse) -> fill -> transformations -> arithmetic
 *   and aux fields -> rows zipped by time over the bucket grid -> OFFSET/LIMIT
 *
 * Streaming slots (accumulators.ts) keep only per-bucket numbers; the others (collect.ts), raw
 * transformations and aux fields keep the group's filtered columns, bounded by maxPoints.
 */
import { type FieldType, joinTimestamp, MAX_TIMESTAMP, MIN_TIMESTAMP, timestampMillis, timestampSubMillis, type Column, type Tag, type TimeRange } from '../core/index.ts';
import { isStreaming, streamingAccumulator, type Accumulator } from './accumulators.ts';
import { collectSlot } from './collect.ts';
import type { Node } from './compile.ts';
import { tagValue } from './condition.ts';
import { QueryLimitError } from './errors.ts';
import { applyFill } from './fill.ts';
import { applyBinary, applyMath } from './math.ts';
import type { MeasurementPlan } from './measurement.ts';
import type { ResultValue } from './plan.ts';
import { cellOf, lowerBound, mergeSorted, Points, upperBound, type Merged } from './points.ts';
import { transform } from './transforms.ts';

type Row = [bigint, ...ResultValue[]];

/** influxd does not fill the functions that emit points of their own. */
const UNFILLED = new Set(['top', 'bottom', 'sample', 'distinct', 'integral']);

/** Fields whose raw points a projection transforms (no GROUP BY time). */
function pointsFields(n: Node): string[] {
  if (n.kind === 'points') return [n.field];
  if (n.kind === 'transform') return pointsFields(n.input);
  if (n.kind === 'binary') return [...pointsFields(n.left), ...pointsFields(n.right)];
  if (n.kind === 'math') return n.args.flatMap(pointsFields);
  return [];
}

interface Retained {
  readonly key: string;
  readonly tags: readonly Tag[];
  readonly columns: ReadonlyMap<string, Column>;
}

/** Range bounds in split form, for binary searches over columns. */
interface SplitBounds {
  readonly minMs: number;
  readonly minSub: number;
  readonly maxMs: number;
  readonly maxSub: number;
}

const splitBounds = (r: TimeRange): SplitBounds => ({
  minMs: timestampMillis(r.min),
  minSub: timestampSubMillis(r.min),
  maxMs: timestampMillis(r.max),
  maxSub: timestampSubMillis(r.max),
});

/** The points of `column` within `r`: [from, to). */
function within(column: Column, r: SplitBounds): [number, number] {
  const from = lowerBound(column.ms, column.sub, 0, column.length, r.minMs, r.minSub);
  const to = upperBound(column.ms, column.sub, from, column.length, r.maxMs, r.maxSub);
  return [from, to];
}

function trimmed(column: Column | undefined, r: SplitBounds): Column | undefined {
  if (column === undefined) return undefined;
  const [from, to] = within(column, r);
  return from === 0 && to === column.length ? column : column.slice(from, to);
}

/** Per-plan facts every group of a measurement shares. */
export class AggregateShape {
  readonly streaming: readonly boolean[];
  readonly keepsPoints: boolean;
  readonly slotBounds: readonly SplitBounds[];
  readonly queryBounds: SplitBounds;
  readonly hint: { base: number; size: number };

  constructor(readonly plan: MeasurementPlan) {
    const { compiled } = plan;
    this.streaming = compiled.slots.map((s) => isStreaming(s, compiled.hasAux));
    this.keepsPoints = this.streaming.includes(false) || compiled.outputs.some((n) => pointsFields(n).length > 0) || compiled.hasAux;
    this.queryBounds = splitBounds(plan.range);
    const readBounds = splitBounds(plan.readRange);
    this.slotBounds = compiled.slots.map((s) => (s.extended ? readBounds : this.queryBounds));
    this.hint = { base: 0, size: 64 };
    if (plan.grid !== undefined && plan.readRange.min > MIN_TIMESTAMP) {
      const base = plan.grid.bucketOfTime(plan.readRange.min);
      const size = plan.readRange.max < MAX_TIMESTAMP ? plan.grid.bucketOfTime(plan.readRange.max) - base + 1 : 64;
      // Beyond 4,096 buckets the arrays grow as data arrives: a long, sparse range does not allocate up front.
      this.hint = { base, size: Math.min(size, 4096) };
    }
  }
}

export class AggregateGroup {
  private readonly accs: Array<Accumulator | undefined>;
  private readonly retained: Retained[] = [];
  private readonly rawCache = new Map<string, Points>();

  constructor(
    private readonly shape: AggregateShape,
    readonly tags: Readonly<Record<string, string>>,
  ) {
    this.accs = shape.plan.compiled.slots.map(() => undefined);
  }

  /** Adds one series' columns (already filtered by the condition). */
  add(key: string, seriesTags: readonly Tag[], columns: ReadonlyMap<string, Column>): void {
    const { plan } = this.shape;
    const grid = plan.grid;
    plan.compiled.slots.forEach((slot, s) => {
      if (!this.shape.streaming[s]) return;
      const column = columns.get(slot.field);
      if (column === undefined) return;
      const [from, to] = within(column, this.shape.slotBounds[s]!);
      if (from >= to) return;
      const acc = (this.accs[s] ??= streamingAccumulator(slot, column.type, this.shape.hint)!);
      if (grid === undefined) {
        acc.add(0, column, from, to);
        return;
      }
      for (let i = from; i < to; ) {
        const b = grid.bucketOf(column.ms[i]!, column.sub[i]!);
        const end = grid.runEnd(column.ms, column.sub, i, to, b);
        acc.add(b, column, i, end);
        i = end;
      }
    });
    if (this.shape.keepsPoints) this.retained.push({ key, tags: seriesTags, columns });
  }

  /** The group's rows, or undefined when no projection has a point in it. */
  finish(): Row[] | undefined {
    const { plan } = this.shape;
    const { compiled, grid } = plan;
    // Points at equal times from several series are taken in series key order, as influxd merges them.
    this.retained.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const { points: slotPoints, merged } = this.slotResults();
    const rawFields = compiled.outputs.flatMap(pointsFields);
    if (!slotPoints.some((p) => p.length > 0) && !rawFields.some((f) => this.rawPoints(f).length > 0)) return undefined;

    // The buckets this group reports: the range's, or where its data is when the range is open.
    let span = { first: 0, last: 0 };
    if (grid !== undefined) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const p of slotPoints) {
        for (let i = 0; i < p.length; i++) {
          lo = Math.min(lo, p.bucket[i]!);
          hi = Math.max(hi, p.bucket[i]!);
        }
      }
      span = plan.bucketSpan(lo, hi);
      if (span.last - span.first + 1 > plan.ctx.maxPoints) throw new QueryLimitError(plan.ctx.maxPoints, 'buckets');
    }
    const inOrder = (first: number, last: number) => (plan.desc ? { first: last, last: first } : { first, last });
    const widened = plan.readRange.min < plan.range.min || plan.readRange.max > plan.range.max;
    slotPoints.forEach((p, s) => {
      if (plan.desc) p.reverse();
      const slot = compiled.slots[s]!;
      if (grid === undefined || UNFILLED.has(slot.fn)) return;
      let { first, last } = span;
      if (slot.extended && widened) {
        if (plan.desc) last++;
        else first--;
      }
      slotPoints[s] = applyFill(p, compiled.fill, { ...inOrder(first, last), interval: Number(grid.interval) }, plan.bucketTime, slot.fn === 'count');
    });

    const evaluate = (n: Node): Points | ResultValue => {
      switch (n.kind) {
        case 'number':
          return n.value;
        case 'slot':
          return slotPoints[n.slot]!;
        case 'points':
          return this.rawPoints(n.field);
        case 'ref':
          return this.aux(n.name, slotPoints[compiled.loneSelector ?? 0], merged[compiled.loneSelector ?? 0]);
        case 'transform':
          return this.transform(n, evaluate(n.input) as Points, span);
        case 'binary': {
          const type = plan.typeOf(n);
          return this.pointwise(type, evaluate(n.left), evaluate(n.right), (a, b) => applyBinary(n.op, a, b, type));
        }
        case 'math': {
          const type = plan.typeOf(n);
          const [x, y] = n.args.map(evaluate);
          if (y === undefined) return this.pointwise(type, x!, null, (a) => applyMath(n.fn, [a], type));
          return this.pointwise(type, x!, y, (a, b) => applyMath(n.fn, [a, b], type));
        }
      }
    };
    const outputs = compiled.outputs.map(evaluate);
    const rows = assembleRows(outputs, grid === undefined ? undefined : inOrder(span.first, span.last), plan, plan.desc);
    return rows.length > 0 ? rows : undefined;
  }

  /** Each slot's per-bucket points in ascending time, and the merged input of the point-keeping ones. */
  private slotResults(): { points: Points[]; merged: Array<Merged | undefined> } {
    const { plan } = this.shape;
    const { compiled, grid } = plan;
    const tagOf = (src: number, key: string): string => tagValue(this.retained[src]!.tags, key) ?? '';
    const merged: Array<Merged | undefined> = [];
    const points = compiled.slots.map((slot, s) => {
      const type = plan.slotTypes[s];
      if (type === undefined) return new Points(plan.typeOf({ kind: 'slot', slot: s }));
      const pointTime = slot.fn === 'top' || slot.fn === 'bottom' || slot.fn === 'sample' || (grid === undefined && compiled.loneSelector === s);
      const out = new Points(type, this.shape.hint.size);
      if (this.shape.streaming[s]) {
        this.accs[s]?.finish(out, plan.bucketTime, pointTime);
        return out;
      }
      const m = mergeSorted(this.retained.map((r) => trimmed(r.columns.get(slot.field), this.shape.slotBounds[s]!)));
      merged[s] = m;
      return m === undefined ? out : collectSlot(slot, m, { grid, time: plan.bucketTime, pointTime, tagOf, desc: plan.desc });
    });
    return { points, merged };
  }

  /** A field's raw points over the group, in the query's order: the input of a transformation without GROUP BY time. */
  private rawPoints(field: string): Points {
    let p = this.rawCache.get(field);
    if (p === undefined) {
      const { plan } = this.shape;
      p = new Points(plan.typeOf({ kind: 'points', field }));
      const m = mergeSorted(this.retained.map((r) => trimmed(r.columns.get(field), this.shape.queryBounds)));
      if (m !== undefined) for (let i = 0; i < m.column.length; i++) p.push(m.column.ms[i]!, m.column.sub[i]!, 0, cellOf(m.column, i));
      if (plan.desc) p.reverse();
      this.rawCache.set(field, p);
    }
    return p;
  }

  private transform(n: Extract<Node, { kind: 'transform' }>, input: Points, span: { first: number; last: number }): Points {
    const grid = this.shape.plan.grid;
    const derivative = n.fn === 'derivative' || n.fn === 'non_negative_derivative';
    // derivative's unit defaults to the GROUP BY interval, as influxd's does.
    const unit = !n.unitGiven && derivative && grid !== undefined ? Number(grid.interval) : n.unit;
    const out = transform(n.fn, input, { unit, n: n.n, desc: this.shape.plan.desc, technical: n.technical });
    // influxd keeps a technical function's output in the bucket read beyond the range (seen when the hold period is short).
    if (grid === undefined || n.technical !== undefined) return out;
    // The bucket read beyond the range only feeds the transformation.
    const kept = new Points(out.type, out.length);
    for (let i = 0; i < out.length; i++) {
      const b = out.bucket[i]!;
      if (b >= span.first && b <= span.last) kept.push(out.ms[i]!, out.sub[i]!, b, out.values[i]!);
    }
    return kept;
  }

  /** Values of an aux field (or tag) at each point the lone selector chose. */
  private aux(name: string, selected: Points | undefined, merged: Merged | undefined): Points {
    const { plan } = this.shape;
    const out = new Points(plan.typeOf({ kind: 'ref', name }));
    if (selected === undefined) return out;
    out.grid = selected.grid;
    const isField = plan.isField(name);
    const fill = plan.compiled.fill;
    for (let k = 0; k < selected.length; k++) {
      const at = selected.sources[k]!;
      // A filled bucket has no point: influxd shows the fill number in aux columns too.
      let value: ResultValue = at < 0 && fill.kind === 'value' ? fill.value : null;
      if (at >= 0 && merged !== undefined) {
        const series = this.retained[merged.src[at]!]!;
        if (isField) {
          const column = series.columns.get(name);
          if (column !== undefined) {
            const tMs = merged.column.ms[at]!;
            const tSub = merged.column.sub[at]!;
            const i = lowerBound(column.ms, column.sub, 0, column.length, tMs, tSub);
            if (i < column.length && column.ms[i] === tMs && column.sub[i] === tSub) value = cellOf(column, i);
          }
        } else {
          const key = plan.tagKeyOf(name);
          value = key === undefined ? null : (tagValue(series.tags, key) ?? null);
        }
      }
      out.push(selected.ms[k]!, selected.sub[k]!, selected.bucket[k]!, value);
    }
    return out;
  }

  /** `f` over two operands, each a stream or a constant (a unary function ignores its constant second operand). */
  private pointwise(type: FieldType, left: Points | ResultValue, right: Points | ResultValue, f: (a: ResultValue, b: ResultValue) => ResultValue): Points | ResultValue {
    const lp = left instanceof Points ? left : undefined;
    const rp = right instanceof Points ? right : undefined;
    if (lp === undefined && rp === undefined) return f(left as ResultValue, right as ResultValue);
    const out = new Points(type);
    if (lp === undefined || rp === undefined) {
      const p = (lp ?? rp)!;
      out.grid = p.grid;
      for (let i = 0; i < p.length; i++) {
        const v = lp !== undefined ? f(p.values[i]!, right as ResultValue) : f(left as ResultValue, p.values[i]!);
        out.push(p.ms[i]!, p.sub[i]!, p.bucket[i]!, v, p.sources[i]);
      }
      return out;
    }
    // Both sides are streams: pair points at equal times, by position among the points at that time.
    out.grid = lp.grid || rp.grid;
    const dir = this.shape.plan.desc ? -1 : 1;
    let i = 0;
    let j = 0;
    while (i < lp.length && j < rp.length) {
      const c = dir * (lp.ms[i]! - rp.ms[j]! || lp.sub[i]! - rp.sub[j]!);
      if (c < 0) i++;
      else if (c > 0) j++;
      else {
        out.push(lp.ms[i]!, lp.sub[i]!, lp.bucket[i]!, f(lp.values[i]!, rp.values[j]!), lp.sources[i]);
        i++;
        j++;
      }
    }
    return out;
  }
}

/**
 * Zips the projections' points into rows by time: one row per time at which any projection has a
 * point, and at every bucket of the grid when a projection reports one (fill); several rows at one
 * time when a projection has several points there (distinct, top). Applies OFFSET and LIMIT.
 * Plain loops, no closure per row: this runs once per output row.
 */
function assembleRows(outputs: ReadonlyArray<Points | ResultValue>, span: { first: number; last: number } | undefined, plan: MeasurementPlan, desc: boolean): Row[] {
  const k = outputs.length;
  const streams: Array<Points | undefined> = outputs.map((o) => (o instanceof Points ? o : undefined));
  const gridded = span !== undefined && streams.some((p) => p?.grid === true);
  const cursors = new Int32Array(k);
  const counts = new Int32Array(k);
  const dir = desc ? -1 : 1;
  const offset = plan.query.offset ?? 0;
  const limit = plan.query.limit ?? 0;
  const rows: Row[] = [];
  let skipped = 0;
  const step = span !== undefined && span.first > span.last ? -1 : 1;
  let bucket = span?.first ?? 0;
  const lastBucket = span?.last ?? 0;
  for (;;) {
    // The next time, in the query's order, over every stream's cursor and the grid.
    let tMs = NaN;
    let tSub = 0;
    for (let j = 0; j < k; j++) {
      const p = streams[j];
      const c = cursors[j]!;
      if (p === undefined || c >= p.length) continue;
      if (Number.isNaN(tMs) || dir * (p.ms[c]! - tMs || p.sub[c]! - tSub) < 0) {
        tMs = p.ms[c]!;
        tSub = p.sub[c]!;
      }
    }
    let atGrid = false;
    if (gridded && (step > 0 ? bucket <= lastBucket : bucket >= lastBucket)) {
      const t = plan.bucketTime(bucket);
      if (Number.isNaN(tMs) || dir * (t.ms - tMs || t.sub - tSub) <= 0) {
        tMs = t.ms;
        tSub = t.sub;
        atGrid = true;
      }
    }
    if (Number.isNaN(tMs)) break;
    let rowsHere = atGrid ? 1 : 0;
    for (let j = 0; j < k; j++) {
      const p = streams[j];
      let c = 0;
      if (p !== undefined) {
        const at = cursors[j]!;
        while (at + c < p.length && p.ms[at + c] === tMs && p.sub[at + c] === tSub) c++;
      }
      counts[j] = c;
      if (c > rowsHere) rowsHere = c;
    }
    const time = joinTimestamp(tMs, tSub);
    for (let r = 0; r < rowsHere; r++) {
      if (skipped < offset) {
        skipped++;
        continue;
      }
      const row = new Array(k + 1) as Row;
      row[0] = time;
      for (let j = 0; j < k; j++) {
        const p = streams[j];
        let v: ResultValue = p === undefined ? (outputs[j] as ResultValue) : r < counts[j]! ? p.values[cursors[j]! + r]! : null;
        if (typeof v === 'number' && v !== v) v = null; // NaN (stddev of one point) shows as null
        row[j + 1] = v;
      }
      rows.push(row);
      if (limit > 0 && rows.length >= limit) return rows;
    }
    for (let j = 0; j < k; j++) cursors[j]! += counts[j]!;
    if (atGrid) bucket += step;
  }
  return rows;
}
