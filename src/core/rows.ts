import type { Tag } from './series.ts';

/** `array` if it holds `length` elements, else a copy with room for them and as many again as it had (amortized growth). */
export function withRoom<T extends Int32Array | Uint8Array | Float64Array>(array: T, length: number): T {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}

/** A series that rows name by number (see SampleRows). */
export interface RowSeries {
  readonly key: string;
  readonly measurement: string;
  readonly tags: readonly Tag[];
  /** The key's UTF-8 bytes, encoded once for every WAL record that defines the series. */
  readonly keyBytes: Uint8Array;
}

/**
 * The series that rows' numbers stand for, by number. A list is only ever appended to; a producer
 * that starts its numbering over starts a new list, so rows stay readable with the list they came with.
 */
export type SeriesList = readonly RowSeries[];

const FIRST_CAPACITY = 256;

/**
 * Float samples of one field as rows of (series number, time in ms, value), in arrival order: what
 * remote write sends, one or a few samples per series per request. Rows are appended one after
 * another into three typed arrays, where a column per series would cost objects and scattered
 * writes per series and request: at 2,000 series of 1 sample, those were most of the ingest work.
 */
export class SampleRows {
  series: Int32Array;
  ms: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = FIRST_CAPACITY) {
    this.series = new Int32Array(capacity);
    this.ms = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Rows over arrays of at least `length` elements (views of a message's buffers, say). */
  static of(series: Int32Array, ms: Float64Array, values: Float64Array, length: number): SampleRows {
    const rows = new SampleRows(0);
    rows.series = series;
    rows.ms = ms;
    rows.values = values;
    rows.length = length;
    return rows;
  }

  push(series: number, ms: number, value: number): void {
    if (this.length === this.series.length) {
      const room = Math.max(FIRST_CAPACITY, this.length + 1);
      this.series = withRoom(this.series, room);
      this.ms = withRoom(this.ms, room);
      this.values = withRoom(this.values, room);
    }
    const i = this.length++;
    this.series[i] = series;
    this.ms[i] = ms;
    this.values[i] = value;
  }

  /** The rows whose index `keep` accepts, in order; this object itself when it accepts all. */
  filter(keep: (row: number) => boolean): SampleRows {
    let kept = 0;
    for (let i = 0; i < this.length; i++) if (keep(i)) kept++;
    if (kept === this.length) return this;
    const out = new SampleRows(Math.max(kept, 1));
    for (let i = 0; i < this.length; i++) if (keep(i)) out.push(this.series[i]!, this.ms[i]!, this.values[i]!);
    return out;
  }

  /** A copy cut to `length`, each array on a buffer of its own (to transfer to another thread, say). */
  copy(): SampleRows {
    return SampleRows.of(this.series.slice(0, this.length), this.ms.slice(0, this.length), this.values.slice(0, this.length), this.length);
  }
}
