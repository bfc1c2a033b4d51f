/**
 * What the parser remembers across batches: the series keys it has met, found by the raw bytes
 * of the key, with their parsed form and field layout. A batch meeting a known series again
 * parses nothing of its key and allocates only its own columns; with 1,000 series in 5,000-line
 * bodies, that was most of the parse time.
 */
import type { FieldType, Tag } from '../../core/index.ts';
import type { SeriesEntry } from './columns.ts';
import { sameBytes } from './scan.ts';

/**
 * The fields of a series' last line by position: their raw key bytes, names and types.
 * Devops-style writers send the same fields in the same order every line, so comparing each
 * field key's bytes with its slot's replaces a string and a lookup per field. Never changed once
 * made, since entries of several batches may share it; a line that differs makes a new one.
 */
export class Layout {
  static readonly EMPTY = new Layout([], [], []);

  constructor(
    readonly keys: readonly DataView[],
    readonly names: readonly string[],
    readonly types: readonly FieldType[],
  ) {}
}

const layouts = new Map<string, Layout>();
const MAX_LAYOUTS = 4096;

/**
 * The layout of these fields, shared: the series of a measurement mostly have the same fields,
 * and the copies of their keys would otherwise be most of a known series' memory. The pool is
 * emptied when full; layouts in use stay valid, only new ones stop sharing with them.
 */
export function internLayout(keys: DataView[], names: string[], types: FieldType[]): Layout {
  let content = '';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    content += `${types[k]}:${key.byteLength}:${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')}`;
  }
  let layout = layouts.get(content);
  if (layout === undefined) {
    if (layouts.size >= MAX_LAYOUTS) layouts.clear();
    layout = new Layout(keys, names, types);
    layouts.set(content, layout);
  }
  return layout;
}

/** A series key met in some batch: its raw bytes as written, its parsed form, and the layout of its last line. */
export class KnownSeries {
  /** The entry of the batch being parsed, if it has the series: saves a lookup per line (see BatchTable.entryOf). */
  entry: SeriesEntry | null = null;

  constructor(
    /** `measurement,tags` as written (not unescaped, tags not sorted): `rawLength` bytes at `rawAt` of `raw`. */
    private readonly raw: DataView,
    private readonly rawAt: number,
    private readonly rawLength: number,
    /** What scanKey hashed the raw key to. */
    readonly hash: number,
    readonly measurement: string,
    /** Sorted by key. */
    readonly tags: readonly Tag[],
    /** The canonical series key. */
    readonly key: string,
    public layout: Layout,
  ) {}

  /** Whether bytes [start, end) of `buf` (which `view` spans) are this series' raw key. */
  matches(buf: Buffer, view: DataView, start: number, end: number): boolean {
    return end - start === this.rawLength && sameBytes(buf, view, start, this.raw, this.rawAt, this.rawLength);
  }
}

/**
 * Known series by the hash of their raw key (scanKey), checked byte for byte. Two generations bound the
 * memory: when the current one is full it becomes the previous one, and a series found only
 * there moves back, so up to twice `generationSize` series that keep writing stay known. A
 * workload with more active series than that only loses the shortcut: every series is then
 * parsed once per batch.
 */
export class KnownSeriesCache {
  private current = new Map<number, KnownSeries[]>();
  private previous = new Map<number, KnownSeries[]>();
  private size = 0;

  constructor(private readonly generationSize: number) {}

  /** The series whose raw key is bytes [start, end) of `buf` (which `view` spans), with scanKey's `hash`. */
  get(buf: Buffer, view: DataView, start: number, end: number, hash: number): KnownSeries | undefined {
    const known = find(this.current.get(hash), buf, view, start, end);
    if (known !== undefined || this.previous.size === 0) return known;
    const old = find(this.previous.get(hash), buf, view, start, end);
    if (old !== undefined) this.add(old);
    return old;
  }

  add(known: KnownSeries): void {
    if (this.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
      this.size = 0;
    }
    const bucket = this.current.get(known.hash);
    if (bucket === undefined) this.current.set(known.hash, [known]);
    else bucket.push(known);
    this.size++;
  }
}

function find(bucket: KnownSeries[] | undefined, buf: Buffer, view: DataView, start: number, end: number): KnownSeries | undefined {
  if (bucket === undefined) return undefined;
  for (const known of bucket) if (known.matches(buf, view, start, end)) return known;
  return undefined;
}
