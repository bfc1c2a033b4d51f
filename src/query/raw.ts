/**
 * One group of a raw query (`SELECT a, b + c FROM m`): a row per series and time at which any
 * selected field has a value, fields missing at that time are null, tags selected by name show the
 * series' value. The group's series are merged by time (series in key order on equal times), then
 * ORDER BY, OFFSET and LIMIT apply. With a LIMIT, each series contributes at most OFFSET + LIMIT
 * rows, so `SELECT ... LIMIT 10` over a large measurement builds few rows.
 */
import { joinTimestamp, type Tag } from '../core/index.ts';
import type { Node } from './compile.ts';
import { tagValue } from './condition.ts';
import { applyBinary, applyMath } from './math.ts';
import type { MeasurementPlan } from './measurement.ts';
import type { ResultValue } from './plan.ts';
import { cellOf } from './points.ts';
import type { Rows } from './rows.ts';

type Row = [bigint, ...ResultValue[]];

interface Block {
  readonly key: string;
  readonly ms: Float64Array;
  readonly sub: Int32Array;
  readonly rows: Row[];
}

export class RawGroup {
  private readonly blocks: Block[] = [];

  constructor(
    private readonly plan: MeasurementPlan,
    readonly tags: Readonly<Record<string, string>>,
  ) {}

  /** Adds one series' rows; `mask` marks the rows that satisfy the field condition. */
  add(key: string, seriesTags: readonly Tag[], rows: Rows, mask: Uint8Array | undefined): void {
    const { plan } = this;
    const outputs = plan.compiled.outputs;
    const selected = plan.compiled.names.filter((n) => plan.isField(n) && rows.column(n) !== undefined);
    const value = (node: Node, r: number): ResultValue => {
      switch (node.kind) {
        case 'ref': {
          const column = rows.column(node.name);
          if (column === undefined) {
            const key = plan.isField(node.name) ? undefined : plan.tagKeyOf(node.name);
            return key === undefined ? null : (tagValue(seriesTags, key) ?? null);
          }
          const idx = rows.index(node.name);
          const i = idx === undefined ? r : idx[r]!;
          return i < 0 ? null : cellOf(column, i);
        }
        case 'number':
          return node.value;
        case 'binary':
          return applyBinary(node.op, value(node.left, r), value(node.right, r), plan.typeOf(node));
        case 'math':
          return applyMath(node.fn, node.args.map((a) => value(a, r)), plan.typeOf(node));
        default:
          throw new Error(`${node.kind} in a raw query`);
      }
    };
    const present = (r: number): boolean => {
      for (const name of selected) {
        const idx = rows.index(name);
        if (idx === undefined || idx[r]! >= 0) return true;
      }
      return false;
    };
    const limit = plan.query.limit ?? 0;
    const keep = limit > 0 ? (plan.query.offset ?? 0) + limit : Infinity;
    const picked: number[] = [];
    const n = rows.length;
    for (let k = 0; k < n && picked.length < keep; k++) {
      // With a LIMIT, ORDER BY DESC needs the last rows of each series: walk it backwards.
      const r = plan.desc ? n - 1 - k : k;
      if ((mask === undefined || mask[r] === 1) && present(r)) picked.push(r);
    }
    if (plan.desc) picked.reverse();
    const ms = new Float64Array(picked.length);
    const sub = new Int32Array(picked.length);
    const out: Row[] = [];
    const width = outputs.length + 1;
    picked.forEach((r, k) => {
      ms[k] = rows.ms[r]!;
      sub[k] = rows.sub[r]!;
      const row = new Array(width) as Row;
      row[0] = joinTimestamp(rows.ms[r]!, rows.sub[r]!);
      for (let j = 0; j < outputs.length; j++) row[j + 1] = value(outputs[j]!, r);
      out.push(row);
    });
    if (out.length > 0) this.blocks.push({ key, ms, sub, rows: out });
  }

  /** The group's rows in the query's order after OFFSET/LIMIT, or undefined when it has none. */
  finish(): Row[] | undefined {
    if (this.blocks.length === 0) return undefined;
    const blocks = this.blocks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const desc = this.plan.desc;
    let rows: Row[];
    if (this.plan.input !== undefined) {
      // Over a subquery influxd 1.6.7 lists the inner result series one after the other, not merged by time.
      rows = (desc ? blocks.reverse() : blocks).flatMap((b) => (desc ? b.rows.reverse() : b.rows));
    } else {
      rows = blocks.length === 1 ? (desc ? blocks[0]!.rows.reverse() : blocks[0]!.rows) : mergeBlocks(blocks, desc);
    }
    const offset = this.plan.query.offset ?? 0;
    const limit = this.plan.query.limit ?? 0;
    if (offset > 0 || limit > 0) rows = rows.slice(offset, limit > 0 ? offset + limit : undefined);
    return rows.length > 0 ? rows : undefined;
  }
}

/**
 * The rows of time-sorted blocks in one stream, in the query's order; equal times in block (series
 * key) order either way, as influxd lists them. A k-way merge on a binary heap of block cursors.
 */
function mergeBlocks(blocks: readonly Block[], desc: boolean): Row[] {
  const k = blocks.length;
  const cursor = new Int32Array(k);
  // The time at each block's cursor, in the query's order (negated for DESC), so the heap compares numbers only.
  const headMs = new Float64Array(k);
  const headSub = new Float64Array(k);
  const dir = desc ? -1 : 1;
  const load = (b: number): boolean => {
    const block = blocks[b]!;
    const c = cursor[b]!;
    if (c < 0 || c >= block.rows.length) return false;
    headMs[b] = dir * block.ms[c]!;
    headSub[b] = dir * block.sub[c]!;
    return true;
  };
  const heap = new Int32Array(k);
  let size = 0;
  const down = (at: number): void => {
    const b = heap[at]!;
    for (;;) {
      let m = 2 * at + 1;
      if (m >= size) break;
      const r = m + 1;
      if (r < size) {
        const x = heap[r]!;
        const y = heap[m]!;
        if (headMs[x]! < headMs[y]! || (headMs[x] === headMs[y] && (headSub[x]! < headSub[y]! || (headSub[x] === headSub[y] && x < y)))) m = r;
      }
      const c = heap[m]!;
      if (!(headMs[c]! < headMs[b]! || (headMs[c] === headMs[b] && (headSub[c]! < headSub[b]! || (headSub[c] === headSub[b] && c < b))))) break;
      heap[at] = c;
      at = m;
    }
    heap[at] = b;
  };
  for (let b = 0; b < k; b++) {
    if (desc) cursor[b] = blocks[b]!.rows.length - 1;
    if (load(b)) heap[size++] = b;
  }
  for (let at = (size >> 1) - 1; at >= 0; at--) down(at);
  const out: Row[] = [];
  const step = desc ? -1 : 1;
  while (size > 0) {
    const b = heap[0]!;
    out.push(blocks[b]!.rows[cursor[b]!]!);
    cursor[b]! += step;
    if (!load(b)) heap[0] = heap[--size]!;
    if (size > 0) down(0);
  }
  return out;
}
