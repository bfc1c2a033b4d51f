/**
 * A series' fields aligned into rows: InfluxDB stores each field as its own column, but a raw query
 * row and a field condition see every field of one series at one time together. The union of the
 * fields' timestamps is computed once per series with typed arrays; when all fields share their
 * timestamps (the common case: one line protocol line writes them together) the row index is the
 * point index and nothing is copied.
 */
import { Column } from '../core/index.ts';
import type { RowView } from './condition.ts';

export class Rows implements RowView {
  readonly length: number;
  readonly ms: Float64Array;
  readonly sub: Int32Array;
  private readonly columns: ReadonlyMap<string, Column>;
  private readonly indexes: ReadonlyMap<string, Int32Array> | undefined;

  private constructor(length: number, ms: Float64Array, sub: Int32Array, columns: ReadonlyMap<string, Column>, indexes: ReadonlyMap<string, Int32Array> | undefined) {
    this.length = length;
    this.ms = ms;
    this.sub = sub;
    this.columns = columns;
    this.indexes = indexes;
  }

  column(field: string): Column | undefined {
    return this.columns.get(field);
  }

  index(field: string): Int32Array | undefined {
    return this.indexes?.get(field);
  }

  /** Aligns the columns (each sorted by time, unique) on the union of their times. */
  static align(columns: ReadonlyMap<string, Column>): Rows {
    const list = [...columns.values()];
    if (list.length === 0) return new Rows(0, new Float64Array(0), new Int32Array(0), columns, undefined);
    const first = list[0]!;
    if (list.every((c) => sameTimes(c, first))) return new Rows(first.length, first.ms, first.sub, columns, undefined);

    let total = 0;
    for (const c of list) total += c.length;
    const ms = new Float64Array(total);
    const sub = new Int32Array(total);
    const cursors = new Int32Array(list.length);
    const idx = list.map(() => new Int32Array(total).fill(-1));
    let n = 0;
    for (;;) {
      // The smallest current time among the columns is the next row.
      let tMs = Infinity;
      let tSub = 0;
      for (let k = 0; k < list.length; k++) {
        const c = list[k]!;
        const i = cursors[k]!;
        if (i >= c.length) continue;
        if (c.ms[i]! < tMs || (c.ms[i] === tMs && c.sub[i]! < tSub)) {
          tMs = c.ms[i]!;
          tSub = c.sub[i]!;
        }
      }
      if (tMs === Infinity) break;
      ms[n] = tMs;
      sub[n] = tSub;
      for (let k = 0; k < list.length; k++) {
        const c = list[k]!;
        const i = cursors[k]!;
        if (i < c.length && c.ms[i] === tMs && c.sub[i] === tSub) {
          idx[k]![n] = i;
          cursors[k] = i + 1;
        }
      }
      n++;
    }
    const indexes = new Map<string, Int32Array>();
    [...columns.keys()].forEach((name, k) => indexes.set(name, idx[k]!));
    return new Rows(n, ms, sub, columns, indexes);
  }

  /** The column of `field` restricted to the rows where `mask` is 1. */
  filtered(field: string, mask: Uint8Array): Column | undefined {
    const column = this.columns.get(field);
    if (column === undefined) return undefined;
    const idx = this.indexes?.get(field);
    const out = new Column(column.type, column.length);
    let r = 0;
    while (r < this.length) {
      // Copy runs of kept rows that map to consecutive points in one pushRange.
      if (mask[r] === 0 || (idx !== undefined && idx[r]! < 0)) {
        r++;
        continue;
      }
      const start = idx === undefined ? r : idx[r]!;
      let end = start + 1;
      r++;
      while (r < this.length && mask[r] === 1 && (idx === undefined ? r : idx[r]!) === end) {
        end++;
        r++;
      }
      out.pushRange(column, start, end);
    }
    return out;
  }
}

function sameTimes(a: Column, b: Column): boolean {
  if (a.length !== b.length) return false;
  if (a.ms === b.ms && a.sub === b.sub) return true;
  for (let i = 0; i < a.length; i++) if (a.ms[i] !== b.ms[i] || a.sub[i] !== b.sub[i]) return false;
  return true;
}
