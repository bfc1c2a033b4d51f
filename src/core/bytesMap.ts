/**
 * A map keyed by byte ranges of a buffer, compared byte for byte: a decoder finds what it met
 * before by the raw bytes it reads again, without making a string of them. Hashing the bytes four
 * at a time in JS and comparing them with Buffer's native compare took a third of the time of a
 * Map lookup by a latin1 string of the same bytes (200-byte keys, remote write's label sets); a
 * compare in JS took twice the native one.
 */

interface Entry<V> {
  readonly bytes: Buffer;
  readonly value: V;
  /** The next entry of the same hash. */
  next: Entry<V> | undefined;
}

export class BytesMap<V> {
  private readonly buckets = new Map<number, Entry<V>>();
  private count = 0;

  /** Holds up to `capacity` keys; adding one more starts over empty, so memory stays bounded. */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  /** The value of bytes [start, end) of `buf`, which `view` spans. */
  get(buf: Buffer, view: DataView, start: number, end: number): V | undefined {
    const n = end - start;
    for (let e = this.buckets.get(hashBytes(view, start, end)); e !== undefined; e = e.next) {
      if (e.bytes.length === n && e.bytes.compare(buf, start, end) === 0) return e.value;
    }
    return undefined;
  }

  /** Sets the value of bytes [start, end) of `buf`, which `view` spans; the key must not be in the map yet. */
  set(buf: Buffer, view: DataView, start: number, end: number, value: V): void {
    if (this.count >= this.capacity) {
      this.buckets.clear();
      this.count = 0;
    }
    const hash = hashBytes(view, start, end);
    const bytes = Buffer.from(buf.subarray(start, end));
    this.buckets.set(hash, { bytes, value, next: this.buckets.get(hash) });
    this.count++;
  }
}

/** FNV-1a over 32-bit words, then the tail bytes: fast in JS, and spreads label sets that differ in one value. */
function hashBytes(view: DataView, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193);
  for (; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  return h >>> 0;
}
