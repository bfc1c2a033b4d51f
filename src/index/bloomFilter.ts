import { ByteReader, ByteWriter, corruptionIn, type SeriesId } from '../core/index.ts';

// Format constants (docs/format/index.md): never renumbered.
const MAGIC = 0x4d4c4252; // "RBLM" read as a little-endian u32
const VERSION = 1;
const HEADER_SIZE = 16;
const MIN_BITS = 64;
const MAX_BITS = 0xffff_ffff;
const MAX_K = 30;

/**
 * A bloom filter over SeriesIds, answering "is this series absent?" for one segment. The id is
 * already a 64-bit xxHash, so its two 32-bit halves feed double hashing directly (format and
 * sizing: docs/format/index.md). `mayContain` never returns false for an added id.
 */
export class BloomFilter {
  private constructor(
    private readonly bits: Uint8Array,
    /** Number of bits, m. */
    readonly bitCount: number,
    /** Number of probes per id, k. */
    readonly hashCount: number,
    private added: number,
  ) {}

  /**
   * An empty filter sized for `expectedCount` ids at `falsePositiveRate` (0 < rate < 1). Adding
   * more ids than expected keeps it correct but raises the false-positive rate.
   */
  static forCount(expectedCount: number, falsePositiveRate = 0.01): BloomFilter {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new RangeError(`bloom filter false-positive rate ${falsePositiveRate} is not between 0 and 1`);
    }
    const n = Math.max(1, Math.ceil(expectedCount));
    const m = Math.min(MAX_BITS, Math.max(MIN_BITS, Math.ceil((-n * Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2))));
    const k = Math.min(MAX_K, Math.max(1, Math.round((m / n) * Math.LN2)));
    return new BloomFilter(new Uint8Array(Math.ceil(m / 8)), m, k, 0);
  }

  /** Ids added so far (saturating at 2^32 - 1). */
  get count(): number {
    return this.added;
  }

  /** Size of `serialize()`'s output. */
  get byteLength(): number {
    return HEADER_SIZE + this.bits.length;
  }

  add(id: SeriesId): void {
    this.addHalves(Number(id & 0xffff_ffffn), Number((id >> 32n) & 0xffff_ffffn));
  }

  mayContain(id: SeriesId): boolean {
    return this.mayContainHalves(Number(id & 0xffff_ffffn), Number((id >> 32n) & 0xffff_ffffn));
  }

  /** `add` for an id given as its low and high 32-bit halves (unsigned), so hot paths avoid BigInt. */
  addHalves(lo: number, hi: number): void {
    const m = this.bitCount;
    let x = (lo >>> 0) % m;
    const step = (hi >>> 0) % m || 1;
    for (let i = 0; i < this.hashCount; i++) {
      this.bits[x >>> 3]! |= 1 << (x & 7);
      x += step;
      if (x >= m) x -= m;
    }
    if (this.added < MAX_BITS) this.added++;
  }

  mayContainHalves(lo: number, hi: number): boolean {
    const m = this.bitCount;
    let x = (lo >>> 0) % m;
    const step = (hi >>> 0) % m || 1;
    for (let i = 0; i < this.hashCount; i++) {
      if ((this.bits[x >>> 3]! & (1 << (x & 7))) === 0) return false;
      x += step;
      if (x >= m) x -= m;
    }
    return true;
  }

  serialize(): Uint8Array {
    const w = new ByteWriter(this.byteLength);
    w.u32(MAGIC);
    w.u8(VERSION);
    w.u8(this.hashCount);
    w.u16(0);
    w.u32(this.bitCount);
    w.u32(this.added);
    w.bytes(this.bits);
    return w.finish();
  }

  /** Decodes `serialize()` output (copying it); damage throws a `CorruptionError` naming `file`. */
  static deserialize(bytes: Uint8Array, file = 'bloom filter'): BloomFilter {
    const r = new ByteReader(bytes, 0, bytes.length, corruptionIn(file));
    if (r.u32('bloom filter magic') !== MAGIC) r.fail('not a bloom filter: bad magic', 0);
    const version = r.u8('bloom filter version');
    if (version !== VERSION) r.fail(`unsupported bloom filter version ${version}`, 4);
    const k = r.u8('bloom filter probe count');
    if (k < 1 || k > MAX_K) r.fail(`bloom filter probe count ${k} is not in 1..${MAX_K}`, 5);
    r.u16('bloom filter reserved');
    const m = r.u32('bloom filter bit count');
    if (m < MIN_BITS) r.fail(`bloom filter bit count ${m} is below ${MIN_BITS}`, 8);
    const added = r.u32('bloom filter count');
    const nbytes = Math.ceil(m / 8);
    const bits = r.bytes(nbytes, 'bloom filter bits').slice();
    if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} unexpected bytes after the bloom filter bits`);
    return new BloomFilter(bits, m, k, added);
  }
}
