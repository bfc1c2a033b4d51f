import { splitRange, type SplitTimeRange, type TimeRange } from '../../core/index.ts';
import { readFileIfExists, writeFileAtomic, type Fs } from '../fs/index.ts';

const FILE = 'tombstones.json';
/** Version 1 holds whole-series tombstones only; version 2 adds time ranges. */
const WHOLE_ONLY_VERSION = 1;
const RANGES_VERSION = 2;

/** One delete of a series' points: all of them (`range` undefined) or those within `range` (inclusive). */
export interface Tombstone {
  readonly key: string;
  /** Segments with `maxSeq` below this existed at the delete, and lose the points. */
  readonly seqLimit: number;
  readonly range: TimeRange | undefined;
  readonly split: SplitTimeRange | undefined;
}

/**
 * Deleted points. Segments are immutable, so a delete records a tombstone instead: the series'
 * points (all, or those within a time range) in every segment whose `maxSeq` is below `seqLimit`
 * (all segments that existed at the delete) are ignored by reads and dropped by compaction. Points
 * written after the delete land in newer segments, which the tombstone does not cover. MemTable
 * points need no tombstone: the delete removes them in place.
 * Stored as a small JSON file (docs/format/tombstones.md), rewritten atomically. Only jobs of the
 * engine's background queue and WAL replay change it, so a check and the change it leads to never
 * interleave with another change.
 */
export class Tombstones {
  private readonly byKey = new Map<string, Tombstone[]>();
  private count = 0;
  private dirty = false;

  private constructor(private readonly fs: Fs, private readonly dir: string) {}

  static async load(fs: Fs, dir: string): Promise<Tombstones> {
    const tombstones = new Tombstones(fs, dir);
    const bytes = await readFileIfExists(fs, `${dir}/${FILE}`);
    if (bytes === undefined) return tombstones;
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
      version: number;
      series: Array<[string, number]>;
      ranges?: Array<[string, number, string, string]>;
    };
    if (parsed.version !== WHOLE_ONLY_VERSION && parsed.version !== RANGES_VERSION) {
      throw new Error(`unsupported tombstone file version ${parsed.version} in "${dir}/${FILE}"`);
    }
    for (const [key, limit] of parsed.series) tombstones.add(key, limit);
    for (const [key, limit, min, max] of parsed.ranges ?? []) tombstones.addRange(key, limit, { min: BigInt(min), max: BigInt(max) });
    tombstones.dirty = false;
    return tombstones;
  }

  /** Deletes every point of the series in the segments below `seqLimit`. */
  add(key: string, seqLimit: number): void {
    this.insert({ key, seqLimit, range: undefined, split: undefined });
  }

  /** Deletes the series' points within `range` (inclusive) in the segments below `seqLimit`. */
  addRange(key: string, seqLimit: number, range: TimeRange): void {
    this.insert({ key, seqLimit, range, split: splitRange(range) });
  }

  private insert(t: Tombstone): void {
    const list = this.byKey.get(t.key) ?? [];
    // A tombstone that covers no fewer segments and no less time makes an older one redundant:
    // repeated deletes (`DELETE ... WHERE time < now() - 30d` every day) keep one entry per series.
    if (list.some((o) => subsumes(o, t))) return;
    const kept = list.filter((o) => !subsumes(t, o));
    kept.push(t);
    this.count += kept.length - list.length;
    this.byKey.set(t.key, kept);
    this.dirty = true;
  }

  /** True when all the series' points in a segment with this `maxSeq` are deleted. */
  covers(key: string, segmentMaxSeq: number): boolean {
    if (this.count === 0) return false;
    const list = this.byKey.get(key);
    return list !== undefined && list.some((t) => t.range === undefined && segmentMaxSeq < t.seqLimit);
  }

  /** The deleted time ranges of the series in a segment with this `maxSeq` (whole-series tombstones aside; see `covers`). */
  rangesFor(key: string, segmentMaxSeq: number): SplitTimeRange[] | undefined {
    if (this.count === 0) return undefined;
    const list = this.byKey.get(key);
    if (list === undefined) return undefined;
    let out: SplitTimeRange[] | undefined;
    for (const t of list) if (t.split !== undefined && segmentMaxSeq < t.seqLimit) (out ??= []).push(t.split);
    return out;
  }

  /** Keys with at least one ranged tombstone. */
  rangedKeys(): string[] {
    const out: string[] = [];
    for (const [key, list] of this.byKey) if (list.some((t) => t.range !== undefined)) out.push(key);
    return out;
  }

  /** Every tombstone, as a snapshot. */
  all(): Tombstone[] {
    return [...this.byKey.values()].flat();
  }

  /** Removes one tombstone returned by `all` (no-op when an insert replaced it meanwhile). */
  remove(t: Tombstone): void {
    const list = this.byKey.get(t.key);
    if (list === undefined || !list.includes(t)) return;
    const kept = list.filter((o) => o !== t);
    if (kept.length === 0) this.byKey.delete(t.key);
    else this.byKey.set(t.key, kept);
    this.count--;
    this.dirty = true;
  }

  get size(): number {
    return this.count;
  }

  get maxSeqLimit(): number {
    let max = 0;
    for (const list of this.byKey.values()) for (const t of list) max = Math.max(max, t.seqLimit);
    return max;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const series: Array<[string, number]> = [];
    const ranges: Array<[string, number, string, string]> = [];
    for (const t of this.all()) {
      if (t.range === undefined) series.push([t.key, t.seqLimit]);
      else ranges.push([t.key, t.seqLimit, String(t.range.min), String(t.range.max)]);
    }
    // Version 1 while there is no ranged tombstone, so that a file written without ranged deletes
    // stays readable by code that predates them.
    const body = ranges.length === 0 ? { version: WHOLE_ONLY_VERSION, series } : { version: RANGES_VERSION, series, ranges };
    await writeFileAtomic(this.fs, this.dir, FILE, Buffer.from(JSON.stringify(body), 'utf8'));
    this.dirty = false;
  }
}

/** True when `a` deletes everything `b` does: at least the same segments and at least the same time. */
function subsumes(a: Tombstone, b: Tombstone): boolean {
  if (a.seqLimit < b.seqLimit) return false;
  if (a.range === undefined) return true;
  return b.range !== undefined && a.range.min <= b.range.min && b.range.max <= a.range.max;
}
