/**
 * A map keyed by byte ranges of a buffer, compared byte for byte: a decoder finds what it met
 * before by the raw bytes it reads again, without making a string of them. Hashing the bytes four
 * at a time in JS and comparing them with Buffer's native compare took a third of the time of a
 * Map lookup by a latin1 string of the same bytes (200-byte keys, remote write's label sets); a
 * compare in JS took twice the native one.
 *
 * Entries are numbered 0, 1, 2... in the order they were added, and their keys lie one after
 * another in one buffer, with where each starts in typed arrays: a caller that visits entries in
 * the order it added them (see SeriesCache's predictions) reads memory in order, where an object
 * and a buffer per key cost several cache misses per key at 50,000 keys.
 */
import { withRoom } from './rows.ts';

const FIRST_ENTRIES = 1024;
const FIRST_KEY_BYTES = 256 * 1024;

export class BytesMap<V> {
  // Per hash, its newest entry; older entries of the same hash follow `sameHash`.
  private readonly buckets = new Map<number, number>();
  private keys = Buffer.alloc(FIRST_KEY_BYTES);
  private keysUsed = 0;
  private keyAt = new Int32Array(FIRST_ENTRIES);
  private keyLength = new Int32Array(FIRST_ENTRIES);
  private sameHash = new Int32Array(FIRST_ENTRIES);
  private readonly values: V[] = [];

  /** Holds up to `capacity` keys; adding one more starts over empty (entry numbers too), so memory stays bounded. */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.values.length;
  }

  /** The entry of bytes [start, end) of `buf`, which `view` spans, or -1. */
  find(buf: Buffer, view: DataView, start: number, end: number): number {
    const n = end - start;
    for (let e = this.buckets.get(hashBytes(view, start, end)) ?? -1; e >= 0; e = this.sameHash[e]!) {
      if (this.keyLength[e] === n && this.matches(e, buf, start)) return e;
    }
    return -1;
  }

  /** The value of bytes [start, end) of `buf`, which `view` spans. */
  get(buf: Buffer, view: DataView, start: number, end: number): V | undefined {
    const e = this.find(buf, view, start, end);
    return e < 0 ? undefined : this.values[e];
  }

  /**
   * Sets the value of bytes [start, end) of `buf`, which `view` spans; the key must not be in the
   * map yet. Returns the new entry's number.
   */
  set(buf: Buffer, view: DataView, start: number, end: number, value: V): number {
    if (this.values.length >= this.capacity) {
      this.buckets.clear();
      this.values.length = 0;
      this.keysUsed = 0;
    }
    const e = this.values.length;
    const n = end - start;
    this.keyAt = withRoom(this.keyAt, e + 1);
    this.keyLength = withRoom(this.keyLength, e + 1);
    this.sameHash = withRoom(this.sameHash, e + 1);
    if (this.keysUsed + n > this.keys.length) {
      const keys = Buffer.alloc(Math.max(2 * this.keys.length, this.keysUsed + n));
      this.keys.copy(keys, 0, 0, this.keysUsed);
      this.keys = keys;
    }
    buf.copy(this.keys, this.keysUsed, start, end);
    this.keyAt[e] = this.keysUsed;
    this.keyLength[e] = n;
    this.keysUsed += n;
    const hash = hashBytes(view, start, end);
    this.sameHash[e] = this.buckets.get(hash) ?? -1;
    this.buckets.set(hash, e);
    this.values.push(value);
    return e;
  }

  /** The value of entry `e`, or undefined when there is no such entry (any more). */
  valueOf(e: number): V | undefined {
    return this.values[e];
  }

  /** The length of entry `e`'s key. */
  keyLengthOf(e: number): number {
    return this.keyLength[e]!;
  }

  /** Whether `buf` holds entry `e`'s key at `start`, and at most `end` is read. */
  keyIsAt(e: number, buf: Buffer, start: number, end: number): boolean {
    return e < this.values.length && start + this.keyLength[e]! <= end && this.matches(e, buf, start);
  }

  private matches(e: number, buf: Buffer, start: number): boolean {
    const at = this.keyAt[e]!;
    const n = this.keyLength[e]!;
    return this.keys.compare(buf, start, start + n, at, at + n) === 0;
  }
}

/** FNV-1a over 32-bit words, then the tail bytes: fast in JS, and spreads label sets that differ in one value. Exported for tests. */
export function hashBytes(view: DataView, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193);
  for (; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  return h >>> 0;
}
