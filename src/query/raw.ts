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
import { applyBinary } from './math.ts';
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
          if (column === undefined) return plan.isField(node.name) ? null : (tagValue(seriesTags, node.name) ?? null);
          const idx = rows.index(node.name);
          const i = idx === undefined ? r : idx[r]!;
          return i < 0 ? null : cellOf(column, i);
        }
        case 'number':
          return node.value;
        case 'binary':
          return applyBinary(node.op, value(node.left, r), value(node.right, r), plan.typeOf(node));
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
    picked.forEach((r, k) => {
      ms[k] = rows.ms[r]!;
      sub[k] = rows.sub[r]!;
      const row: Row = [joinTimestamp(rows.ms[r]!, rows.sub[r]!)];
      for (const node of outputs) row.push(value(node, r));
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
    if (blocks.length === 1) {
      rows = desc ? blocks[0]!.rows.reverse() : blocks[0]!.rows;
    } else {
      let total = 0;
      for (const b of blocks) total += b.rows.length;
      const which = new Int32Array(total);
      const pos = new Int32Array(total);
      let k = 0;
      blocks.forEach((b, i) => {
        for (let j = 0; j < b.rows.length; j++) {
          which[k] = i;
          pos[k++] = j;
        }
      });
      const order = new Uint32Array(total);
      for (let i = 0; i < total; i++) order[i] = i;
      // Times in the query's order; equal times in series key order either way, as influxd lists them.
      const dir = desc ? -1 : 1;
      order.sort((x, y) => {
        const a = blocks[which[x]!]!;
        const b = blocks[which[y]!]!;
        return dir * (a.ms[pos[x]!]! - b.ms[pos[y]!]! || a.sub[pos[x]!]! - b.sub[pos[y]!]!) || which[x]! - which[y]!;
      });
      rows = Array.from(order, (i) => blocks[which[i]!]!.rows[pos[i]!]!);
    }
    const offset = this.plan.query.offset ?? 0;
    const limit = this.plan.query.limit ?? 0;
    if (offset > 0 || limit > 0) rows = rows.slice(offset, limit > 0 ? offset + limit : undefined);
    return rows.length > 0 ? rows : undefined;
  }
}
