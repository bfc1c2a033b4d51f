import { readFileIfExists, writeFileAtomic, type Fs } from '../fs/index.ts';

const FILE = 'tombstones.json';
const FORMAT_VERSION = 1;

/**
 * Deleted series. Segments are immutable, so deleting a series records a tombstone instead: the
 * series' points in every segment whose `maxSeq` is below `seqLimit` (all segments that existed
 * at the delete) are ignored by reads and dropped by compaction. A series written again later
 * lands in newer segments, which the tombstone does not cover.
 * Stored as a small JSON file (docs/format/tombstones.md), rewritten atomically.
 */
export class Tombstones {
  private readonly limits = new Map<string, number>();
  private dirty = false;

  private constructor(private readonly fs: Fs, private readonly dir: string) {}

  static async load(fs: Fs, dir: string): Promise<Tombstones> {
    const tombstones = new Tombstones(fs, dir);
    const bytes = await readFileIfExists(fs, `${dir}/${FILE}`);
    if (bytes === undefined) return tombstones;
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { version: number; series: Array<[string, number]> };
    if (parsed.version !== FORMAT_VERSION) throw new Error(`unsupported tombstone file version ${parsed.version} in "${dir}/${FILE}"`);
    for (const [key, limit] of parsed.series) tombstones.limits.set(key, limit);
    return tombstones;
  }

  add(key: string, seqLimit: number): void {
    this.limits.set(key, Math.max(seqLimit, this.limits.get(key) ?? 0));
    this.dirty = true;
  }

  /** True when the series' points in a segment with this `maxSeq` are deleted. */
  covers(key: string, segmentMaxSeq: number): boolean {
    if (this.limits.size === 0) return false;
    const limit = this.limits.get(key);
    return limit !== undefined && segmentMaxSeq < limit;
  }

  /** Keeps only the tombstones for which `needed(key, seqLimit)` holds. */
  retain(needed: (key: string, seqLimit: number) => boolean): void {
    for (const [key, limit] of this.limits) {
      if (needed(key, limit)) continue;
      this.limits.delete(key);
      this.dirty = true;
    }
  }

  get size(): number {
    return this.limits.size;
  }

  get maxSeqLimit(): number {
    let max = 0;
    for (const limit of this.limits.values()) max = Math.max(max, limit);
    return max;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const body = JSON.stringify({ version: FORMAT_VERSION, series: [...this.limits] });
    await writeFileAtomic(this.fs, this.dir, FILE, Buffer.from(body, 'utf8'));
    this.dirty = false;
  }
}
