import type { SegmentReader } from '../segment/index.ts';

/**
 * A time partition [startMs, endMs): a directory of segments. Retention drops partitions whole,
 * and a query only opens the partitions its time range overlaps.
 */
export class Partition {
  /** Ordered by `maxSeq`, oldest first, so that later segments win on duplicate timestamps. */
  segments: SegmentReader[] = [];

  constructor(
    readonly startMs: number,
    readonly endMs: number,
    readonly dir: string,
  ) {}

  static dirName(startMs: number, endMs: number): string {
    return `${startMs}_${endMs}`;
  }

  static parseDirName(name: string): { startMs: number; endMs: number } | undefined {
    const match = /^(-?\d+)_(-?\d+)$/.exec(name);
    if (!match) return undefined;
    const startMs = Number(match[1]);
    const endMs = Number(match[2]);
    return endMs > startMs ? { startMs, endMs } : undefined;
  }

  overlaps(minMs: number, maxMs: number): boolean {
    return this.startMs <= maxMs && minMs < this.endMs;
  }

  addSegment(segment: SegmentReader): void {
    this.segments.push(segment);
    this.segments.sort((a, b) => a.maxSeq - b.maxSeq);
  }

  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.bytes;
    return n;
  }

  get points(): number {
    let n = 0;
    for (const s of this.segments) n += s.points;
    return n;
  }
}
