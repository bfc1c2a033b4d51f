import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from './bitmap.ts';

/**
 * The refs of the series that hold one value: a bare ref while only one series holds it, a
 * bitmap from the second on. A roaring bitmap costs about 1.2 µs and 370 bytes to create, which
 * would dominate memory and load time for tags that are unique per series (docs/format/index.md).
 */
export type Refs = number | RoaringBitmap32;

/** The inverted index of one label name: value -> refs, plus the refs that have any value. */
export class Postings {
  readonly values = new Map<string, Refs>();
  readonly all: RoaringBitmap32;

  constructor(all: RoaringBitmap32 = new RoaringBitmap32()) {
    this.all = all;
  }

  /** Records that series `ref` has `value`; an empty value means "absent" and is not indexed. */
  add(value: string, ref: number): void {
    if (value === '') return;
    const cur = this.values.get(value);
    if (cur === undefined) {
      this.values.set(value, ref);
    } else if (typeof cur === 'number') {
      const b = new RoaringBitmap32();
      b.add(cur);
      b.add(ref);
      this.values.set(value, b);
    } else {
      cur.add(ref);
    }
    this.all.add(ref);
  }

  remove(value: string, ref: number): void {
    if (value === '') return;
    const cur = this.values.get(value);
    if (cur === undefined) return;
    if (typeof cur === 'number') {
      if (cur === ref) this.values.delete(value);
    } else {
      cur.remove(ref);
      if (cur.size === 1) this.values.set(value, cur.minimum());
      else if (cur.size === 0) this.values.delete(value);
    }
    this.all.remove(ref);
  }

  get isEmpty(): boolean {
    return this.values.size === 0;
  }
}

export function refsSize(r: Refs): number {
  return typeof r === 'number' ? 1 : r.size;
}

export function refsIntersect(r: Refs, with_: ReadonlyRoaringBitmap32): boolean {
  return typeof r === 'number' ? with_.has(r) : r.intersects(with_);
}

/** A new bitmap holding the union of `parts` (the caller owns it). */
export function unionOf(parts: readonly Refs[]): RoaringBitmap32 {
  const bitmaps: RoaringBitmap32[] = [];
  let singles: number[] | undefined;
  for (const p of parts) {
    if (typeof p === 'number') (singles ??= []).push(p);
    else bitmaps.push(p);
  }
  const out = bitmaps.length === 0 ? new RoaringBitmap32() : bitmaps.length === 1 ? bitmaps[0]!.clone() : RoaringBitmap32.orMany(bitmaps);
  if (singles !== undefined) out.addMany(singles);
  return out;
}
