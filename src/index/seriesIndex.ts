import { crc32c } from '@node-rs/crc32';
import { ByteReader, ByteWriter, CorruptionError, canonicalSeriesKey, corruptionIn, getU32, parseSeriesKey, seriesIdOf } from '../core/index.ts';
import type { SeriesId, Tag } from '../core/index.ts';
import { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from './bitmap.ts';
import { MEASUREMENT_NAME, compileMatcher, predicateMatches, predicateMatchesEmpty } from './matcher.ts';
import type { CompiledMatcher, Matcher } from './matcher.ts';
import { Postings, refsIntersect, refsSize, unionOf, type Refs } from './postings.ts';

/**
 * A dense 32-bit number for a series, assigned in insertion order from 0, so that sets of series
 * are roaring bitmaps. Refs of removed series are never reused, also across `serialize` and
 * `deserialize`, so a ref stays valid for as long as the data that mentions it.
 */
export type SeriesRef = number;

/** What the index knows about one series. `tags` are sorted by key and never have empty values. */
export interface SeriesInfo {
  readonly ref: SeriesRef;
  readonly key: string;
  readonly measurement: string;
  readonly tags: Tag[];
  readonly id: SeriesId;
}

// Format constants (docs/format/index.md): never renumbered.
const MAGIC = Buffer.from('RTSIDX\0\x01', 'latin1');
const VERSION = 1;
const HEADER_SIZE = 24;
const TRAILER_SIZE = 4;
const POSTINGS_SINGLE = 0;
const POSTINGS_BITMAP = 1;

const MAX_REFS = 0xffff_ffff;
const INVARIANTS = process.env['RUSTS_INVARIANTS'] === '1';

/** How one matcher narrows a selection, once its empty-value semantics are resolved. */
interface Step {
  readonly m: CompiledMatcher;
  readonly postings: Postings | undefined;
  /** The set is `postings.all` minus the refs whose value satisfies the predicate. */
  readonly complement: boolean;
  /** Cheap steps are lookups; the others test every value of the tag. */
  readonly cheap: boolean;
  readonly estimate: number;
}

/**
 * The series index: the series key <-> ref mapping, and an inverted index (measurement, tag key,
 * tag key and value -> refs) answering label matchers. In memory only; `serialize` and
 * `deserialize` convert it to and from bytes (docs/format/index.md), and storage owns the files.
 *
 * Not safe for concurrent use from several workers; on one thread every call runs to completion.
 * Bitmaps returned by any method are new and belong to the caller.
 */
export class SeriesIndex {
  private readonly byKey = new Map<string, SeriesRef>();
  /** Canonical key by ref; '' once removed. */
  private keys: string[] = [];
  // Ids are kept as halves so that bloom-filter probes on hot paths need no BigInt.
  private idLo: Uint32Array;
  private idHi: Uint32Array;
  private nextRef = 0;
  private readonly live: RoaringBitmap32;
  private readonly measurementPostings: Postings;
  private readonly tagPostings = new Map<string, Postings>();

  constructor() {
    this.idLo = new Uint32Array(1024);
    this.idHi = new Uint32Array(1024);
    this.live = new RoaringBitmap32();
    this.measurementPostings = new Postings();
  }

  /** Live series (added and not removed). */
  get size(): number {
    return this.live.size;
  }

  /** Same as `size`; named for SHOW SERIES CARDINALITY and /api/v1/status/tsdb. */
  get seriesCount(): number {
    return this.live.size;
  }

  /** Refs assigned so far, removed ones included: every ref is below this. */
  get refLimit(): number {
    return this.nextRef;
  }

  /**
   * Returns the ref of the series with canonical key `key`, adding the series if it is new. A known
   * key costs one Map lookup. `measurement` and `sortedTags` must be the parts that `key` was built
   * from (`canonicalSeriesKey(measurement, sortedTags)`); they are read only when the series is new,
   * and not retained. Tags with empty values are not indexed (empty means absent).
   */
  getOrAdd(key: string, measurement: string, sortedTags: readonly Tag[]): SeriesRef {
    const ref = this.byKey.get(key);
    if (ref !== undefined) return ref;
    return this.add(key, measurement, sortedTags);
  }

  private add(key: string, measurement: string, sortedTags: readonly Tag[]): SeriesRef {
    if (INVARIANTS && canonicalSeriesKey(measurement, sortedTags) !== key) {
      throw new Error(`BUG: series key "${key}" does not match its measurement and tags`);
    }
    if (this.nextRef >= MAX_REFS) throw new Error(`BUG: series index is full at ${MAX_REFS} refs`);
    const ref = this.nextRef++;
    if (ref >= this.idLo.length) this.growIds(ref + 1);
    const id = seriesIdOf(key);
    this.idLo[ref] = Number(id & 0xffff_ffffn);
    this.idHi[ref] = Number(id >> 32n);
    this.keys.push(key);
    this.byKey.set(key, ref);
    this.live.add(ref);
    this.measurementPostings.add(measurement, ref);
    for (const tag of sortedTags) {
      if (tag.value === '') continue;
      let p = this.tagPostings.get(tag.key);
      if (p === undefined) {
        p = new Postings();
        this.tagPostings.set(tag.key, p);
      }
      p.add(tag.value, ref);
    }
    return ref;
  }

  private growIds(need: number): void {
    let cap = this.idLo.length * 2;
    while (cap < need) cap *= 2;
    const lo = new Uint32Array(cap);
    const hi = new Uint32Array(cap);
    lo.set(this.idLo);
    hi.set(this.idHi);
    this.idLo = lo;
    this.idHi = hi;
  }

  refOf(key: string): SeriesRef | undefined {
    return this.byKey.get(key);
  }

  has(ref: SeriesRef): boolean {
    return this.live.has(ref);
  }

  /** The series of a live ref, or undefined; parses the key, so keep it off per-sample paths. */
  seriesOf(ref: SeriesRef): SeriesInfo | undefined {
    if (!this.live.has(ref)) return undefined;
    const key = this.keys[ref]!;
    const { measurement, tags } = parseSeriesKey(key);
    return { ref, key, measurement, tags, id: this.idOf(ref)! };
  }

  keyOf(ref: SeriesRef): string | undefined {
    return this.live.has(ref) ? this.keys[ref] : undefined;
  }

  idOf(ref: SeriesRef): SeriesId | undefined {
    if (!this.live.has(ref)) return undefined;
    return (BigInt(this.idHi[ref]!) << 32n) | BigInt(this.idLo[ref]!);
  }

  /** Low 32 bits of the id of `ref` (0 for an unknown or removed ref), for `BloomFilter.mayContainHalves`. */
  idLoOf(ref: SeriesRef): number {
    return ref < this.nextRef ? this.idLo[ref]! : 0;
  }

  /** High 32 bits of the id of `ref` (0 for an unknown or removed ref). */
  idHiOf(ref: SeriesRef): number {
    return ref < this.nextRef ? this.idHi[ref]! : 0;
  }

  /** All live refs. */
  liveRefs(): RoaringBitmap32 {
    return this.live.clone();
  }

  /**
   * Removes series (deleteSeries): their refs leave every posting list and are never reused; a
   * later `getOrAdd` of the same key assigns a new ref. Unknown and already removed refs are
   * ignored. Returns how many series were removed.
   */
  remove(refs: Iterable<SeriesRef>): number {
    // Copy first: `refs` may be a bitmap the caller derived from this index and still iterates.
    const list = Array.from(refs);
    let removed = 0;
    for (const ref of list) {
      if (!this.live.has(ref)) continue;
      const key = this.keys[ref]!;
      const { measurement, tags } = parseSeriesKey(key);
      this.measurementPostings.remove(measurement, ref);
      for (const tag of tags) {
        const p = this.tagPostings.get(tag.key);
        if (p === undefined) continue;
        p.remove(tag.value, ref);
        if (p.isEmpty) this.tagPostings.delete(tag.key);
      }
      this.byKey.delete(key);
      this.keys[ref] = '';
      this.idLo[ref] = 0;
      this.idHi[ref] = 0;
      this.live.remove(ref);
      removed++;
    }
    return removed;
  }

  private postingsOf(name: string): Postings | undefined {
    return name === MEASUREMENT_NAME ? this.measurementPostings : this.tagPostings.get(name);
  }

  /**
   * The live series that satisfy every matcher (a conjunction), as a new bitmap.
   *
   * Positive steps (matchers that do not match the empty value) are intersected, cheapest and
   * smallest first, stopping once the result is empty; steps that match the empty value are
   * subtracted as the complement of what they accept. If no matcher narrows the selection
   * positively, including an empty list, the result starts from every live series: InfluxQL
   * needs that (`SHOW SERIES`, a FROM clause that is a regex). The PromQL adapter enforces
   * Prometheus' rule that a selector needs a matcher that does not match empty, with
   * `matchesEmpty`.
   *
   * Throws `BadMatcherError` for an invalid regex or operator, before doing any work.
   */
  select(matchers: readonly Matcher[]): RoaringBitmap32 {
    const includes: Step[] = [];
    const excludes: Step[] = [];
    for (const matcher of matchers) {
      const m = compileMatcher(matcher);
      const postings = this.postingsOf(m.name);
      // With S = the refs whose (non-empty) value satisfies the predicate and A = the refs that
      // have the tag at all: `=` keeps S if the predicate rejects "" and drops A - S if it accepts
      // it; negation swaps keep and drop. Either way the set is A - S exactly when "" satisfies
      // the predicate.
      const predEmpty = predicateMatchesEmpty(m.predicate);
      const step = this.step(m, postings, predEmpty);
      (predEmpty !== m.negate ? excludes : includes).push(step);
    }
    includes.sort((a, b) => (a.cheap === b.cheap ? a.estimate - b.estimate : a.cheap ? -1 : 1));

    let result: RoaringBitmap32 | undefined;
    for (const s of includes) {
      if (result !== undefined && result.isEmpty) return result;
      if (s.postings === undefined) return new RoaringBitmap32();
      if (s.complement) {
        const matched = this.matchedRefs(s.m, s.postings);
        if (result === undefined) result = s.postings.all.clone();
        else result.andInPlace(s.postings.all);
        andNotRefs(result, matched);
      } else {
        const matched = unionOf(this.matchedRefs(s.m, s.postings));
        if (result === undefined) result = matched;
        else result.andInPlace(matched);
      }
    }
    result ??= this.live.clone();
    for (const s of excludes) {
      if (result.isEmpty) break;
      if (s.postings === undefined) continue;
      if (s.complement) {
        const keep = unionOf(this.matchedRefs(s.m, s.postings));
        const drop = RoaringBitmap32.andNot(s.postings.all, keep);
        result.andNotInPlace(drop);
      } else {
        andNotRefs(result, this.matchedRefs(s.m, s.postings));
      }
    }
    return result;
  }

  private step(m: CompiledMatcher, postings: Postings | undefined, complement: boolean): Step {
    const p = m.predicate;
    const cheap = p.kind === 'set' || p.kind === 'any' || p.kind === 'nonEmpty';
    let estimate = postings === undefined ? 0 : postings.all.size;
    if (postings !== undefined && p.kind === 'set' && !complement) {
      estimate = 0;
      for (const v of p.values) {
        const r = postings.values.get(v);
        if (r !== undefined) estimate += refsSize(r);
      }
    }
    return { m, postings, complement, cheap, estimate };
  }

  /** The postings of the non-empty values that satisfy `m`'s predicate (negation not applied). */
  private matchedRefs(m: CompiledMatcher, postings: Postings): Refs[] {
    const p = m.predicate;
    switch (p.kind) {
      case 'set': {
        const out: Refs[] = [];
        for (const v of p.values) {
          const r = v === '' ? undefined : postings.values.get(v);
          if (r !== undefined) out.push(r);
        }
        return out;
      }
      case 'any':
      case 'nonEmpty':
        return [postings.all];
      case 'prefix':
      case 're': {
        const out: Refs[] = [];
        for (const [v, r] of postings.values) {
          if (predicateMatches(p, v)) out.push(r);
        }
        return out;
      }
    }
  }

  /** Measurement names, sorted; with `refs`, only those of series in `refs`. */
  measurements(refs?: ReadonlyRoaringBitmap32): string[] {
    return valuesOf(this.measurementPostings, refs);
  }

  /** Tag keys, sorted; with `refs`, only those that some series in `refs` has. */
  tagKeys(refs?: ReadonlyRoaringBitmap32): string[] {
    const out: string[] = [];
    for (const [k, p] of this.tagPostings) {
      if (refs === undefined || p.all.intersects(refs)) out.push(k);
    }
    return out.sort();
  }

  /**
   * Values of tag `key`, sorted; with `refs`, only those of series in `refs`. `MEASUREMENT_NAME`
   * lists measurements, as Prometheus' /api/v1/label/__name__/values expects.
   */
  tagValues(key: string, refs?: ReadonlyRoaringBitmap32): string[] {
    const p = this.postingsOf(key);
    return p === undefined ? [] : valuesOf(p, refs);
  }

  /** Encodes the index as docs/format/index.md describes. */
  serialize(): Uint8Array {
    const n = this.nextRef;
    const lengths = new Uint32Array(n);
    let units = 0;
    for (let i = 0; i < n; i++) units += lengths[i] = this.keys[i]!.length;
    // Sized for the header, ids, key lengths and ASCII keys; anything more grows the buffer.
    const w = new ByteWriter(HEADER_SIZE + n * 12 + units + 65536);
    w.bytes(MAGIC);
    w.u32(VERSION);
    w.u32(0);
    w.u32(n);
    w.u32(this.live.size);
    writeBitmap(w, this.live);
    w.rawArray(this.idLo, n);
    w.rawArray(this.idHi, n);
    w.rawArray(lengths);
    const blobAt = w.reserve(4);
    // Key by key rather than one write of the joined keys: as fast (about 0.3 s per 1M series),
    // without a transient string as large as all keys on the heap.
    let blobBytes = 0;
    for (let i = 0; i < n; i++) blobBytes += w.utf8(this.keys[i]!);
    w.patchU32(blobAt, blobBytes);
    writePostingsTable(w, this.measurementPostings);
    w.u32(this.tagPostings.size);
    for (const [k, p] of this.tagPostings) {
      w.string(k);
      writeBitmap(w, p.all);
      writePostingsTable(w, p);
    }
    const len = w.length;
    w.u32(crc32c(w.buf.subarray(0, len)));
    return w.finish();
  }

  /**
   * Decodes bytes written by `serialize`. Any damage (bad magic, checksum, version, bounds,
   * UTF-8, bitmap, or an inconsistent table) throws a `CorruptionError` naming `file`.
   */
  static deserialize(bytes: Uint8Array, file = 'series index'): SeriesIndex {
    const size = bytes.length;
    if (size < HEADER_SIZE + TRAILER_SIZE) {
      throw new CorruptionError(file, 0, `series index is ${size} bytes, shorter than the ${HEADER_SIZE + TRAILER_SIZE}-byte minimum`);
    }
    for (let i = 0; i < MAGIC.length; i++) {
      if (bytes[i] !== MAGIC[i]) throw new CorruptionError(file, 0, 'not a series index: bad magic');
    }
    const stored = getU32(bytes, size - TRAILER_SIZE);
    const computed = crc32c(bytes.subarray(0, size - TRAILER_SIZE));
    if (stored !== computed) {
      throw new CorruptionError(file, size - TRAILER_SIZE, `checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`);
    }
    const r = new ByteReader(bytes, MAGIC.length, size - TRAILER_SIZE, corruptionIn(file));
    const version = r.u32('version');
    if (version !== VERSION) r.fail(`unsupported series index version ${version}`, MAGIC.length);
    const flags = r.u32('flags');
    if (flags !== 0) r.fail(`unknown flags 0x${flags.toString(16)}`, MAGIC.length + 4);
    const n = r.u32('ref count');
    const liveCount = r.u32('live count');
    if (n === MAX_REFS) r.fail(`ref count ${n} is out of range`, 16);

    const idx = new SeriesIndex();
    const liveAt = r.pos;
    const live = readBitmap(r, 'live refs');
    if (live.size !== liveCount) r.fail(`live bitmap holds ${live.size} refs, header says ${liveCount}`, liveAt);
    if (!live.isEmpty && live.maximum() >= n) r.fail(`live ref ${live.maximum()} is not below ref count ${n}`, liveAt);
    idx.live.orInPlace(live);

    const capacity = Math.max(1024, n);
    idx.idLo = readU32s(r, n, capacity, 'series id low halves');
    idx.idHi = readU32s(r, n, capacity, 'series id high halves');
    const lengths = readU32s(r, n, n, 'series key lengths');
    const blobAt = r.pos;
    const blob = r.string('series key blob');
    const keys = new Array<string>(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const end = at + lengths[i]!;
      if (end > blob.length) r.fail(`series key lengths exceed the key blob (${blob.length} code units)`, blobAt);
      keys[i] = blob.slice(at, end);
      at = end;
    }
    if (at !== blob.length) r.fail(`series key lengths sum to ${at}, the key blob has ${blob.length} code units`, blobAt);
    idx.keys = keys;
    idx.nextRef = n;
    for (const ref of live) {
      const key = keys[ref]!;
      if (idx.byKey.has(key)) r.fail(`series key "${key}" appears twice`, blobAt);
      idx.byKey.set(key, ref);
    }

    readPostingsTable(r, idx.measurementPostings, n, live, 'measurement');
    const measurementParts = [...idx.measurementPostings.values.values()];
    idx.measurementPostings.all.orInPlace(unionOf(measurementParts));
    const tagCount = r.u32('tag key count');
    for (let i = 0; i < tagCount; i++) {
      const keyAt = r.pos;
      const key = r.string('tag key');
      if (idx.tagPostings.has(key)) r.fail(`tag key "${key}" appears twice`, keyAt);
      const all = readBitmap(r, `refs of tag key "${key}"`);
      if (!all.isSubset(live)) r.fail(`refs of tag key "${key}" include removed series`, keyAt);
      const p = new Postings(all);
      readPostingsTable(r, p, n, live, `tag "${key}"`);
      if (p.isEmpty) r.fail(`tag key "${key}" has no values`, keyAt);
      idx.tagPostings.set(key, p);
    }
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} unexpected bytes after the last section`);
    return idx;
  }
}

function andNotRefs(result: RoaringBitmap32, parts: readonly Refs[]): void {
  for (const part of parts) {
    if (typeof part === 'number') result.remove(part);
    else result.andNotInPlace(part);
  }
}

function valuesOf(p: Postings, refs: ReadonlyRoaringBitmap32 | undefined): string[] {
  const out: string[] = [];
  for (const [v, r] of p.values) {
    if (refs === undefined || refsIntersect(r, refs)) out.push(v);
  }
  return out.sort();
}

function writeBitmap(w: ByteWriter, b: RoaringBitmap32): void {
  b.runOptimize();
  const n = b.getSerializationSizeInBytes('portable');
  w.u32(n);
  const at = w.reserve(n);
  b.serialize('portable', w.buf.subarray(at, at + n));
}

function readBitmap(r: ByteReader, what: string): RoaringBitmap32 {
  const at = r.pos;
  const bytes = r.bytes(r.u32(what), what);
  try {
    return RoaringBitmap32.deserialize(bytes, 'portable');
  } catch (err) {
    return r.fail(`${what}: ${err instanceof Error ? err.message : String(err)}`, at);
  }
}

/** `n` u32s into a new array with room for `capacity` (>= n). */
function readU32s(r: ByteReader, n: number, capacity: number, what: string): Uint32Array {
  r.need(n * 4, what);
  const out = new Uint32Array(capacity);
  r.rawArray(out, n, what);
  return out;
}

function writePostingsTable(w: ByteWriter, p: Postings): void {
  w.u32(p.values.size);
  for (const [v, refs] of p.values) {
    w.string(v);
    if (typeof refs === 'number') {
      w.u8(POSTINGS_SINGLE);
      w.u32(refs);
    } else {
      w.u8(POSTINGS_BITMAP);
      writeBitmap(w, refs);
    }
  }
}

function readPostingsTable(r: ByteReader, p: Postings, refCount: number, live: RoaringBitmap32, what: string): void {
  const count = r.u32(`${what} value count`);
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const value = r.string(`${what} value`);
    if (value === '') r.fail(`${what} has an empty value`, at);
    if (p.values.has(value)) r.fail(`${what} value "${value}" appears twice`, at);
    const kind = r.u8('postings kind');
    if (kind === POSTINGS_SINGLE) {
      const ref = r.u32('postings ref');
      if (ref >= refCount || !live.has(ref)) r.fail(`${what} value "${value}" refers to ref ${ref}, which is not live`, at);
      p.values.set(value, ref);
    } else if (kind === POSTINGS_BITMAP) {
      const b = readBitmap(r, `postings of ${what} value "${value}"`);
      if (b.isEmpty || !b.isSubset(live)) r.fail(`postings of ${what} value "${value}" are empty or include removed series`, at);
      p.values.set(value, b.size === 1 ? b.minimum() : b);
    } else {
      r.fail(`unknown postings kind ${kind}`, at);
    }
  }
}
