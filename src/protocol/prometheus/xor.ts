/**
 * Prometheus's XOR float chunk (TSDB encoding `EncXOR`, the chunk inside remote read's
 * STREAMED_XOR_CHUNKS responses), written to match the bytes Prometheus's own appender produces.
 * Layout and rules: research/protocols.md section 4.4.
 *
 * Two details that only matter for byte-for-byte equality with Prometheus (its decoder accepts
 * either way): values are handled as raw 64-bit patterns in two 32-bit halves, so NaN payloads
 * (the stale marker) survive; and a chunk whose last write was a run of whole bytes ending on a
 * byte boundary carries one extra zero byte, because Go's bit stream appends a fresh byte after
 * every whole-byte write.
 */

import { ByteWriter } from '../../core/index.ts';
import { BitWriter } from '../../codec/index.ts';

/** Most samples one chunk holds: Prometheus cuts its chunks at 120 samples, and its decoder reads any count up to 65535. */
export const XOR_CHUNK_SAMPLES = 120;

const MAX_CHUNK_SAMPLES = 0xffff; // the header's count is a uint16
const HEADER_BYTES = 2;
const TWO_POW_32 = 4294967296;
const INT64_LIMIT = 9223372036854775808; // 2^63
// Differences of integral doubles are exact up to 2^53; staying at 2^52 for both deltas keeps
// their difference (the dod) exact too, so the common path needs no 64-bit arithmetic.
const EXACT_DELTA_LIMIT = 4503599627370496; // 2^52
// Worst sample after the first: `1111` + 64-bit dod, then `11` + 5 + 6 + 64 value bits = 145 bits.
const WORST_BYTES_PER_SAMPLE = 19;
// Worst first sample: a 10-byte varint and 8 value bytes, plus Go's trailing zero byte.
const WORST_FIRST_SAMPLE_BYTES = 19;
const LEADING_UNSET = 0xff;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  // The value halves are read through a Uint32Array laid over the Float64Array's bytes.
  throw new Error('xor.ts assumes a little-endian platform');
}

/**
 * The chunk's bit stream: codec's BitWriter (MSB-first, as Prometheus's bstream) over one reused
 * ByteWriter (encoding is synchronous, so sharing it is safe), plus the XOR value state and what
 * it takes to end the chunk as Go's bit stream does.
 */
class ChunkBitWriter {
  private readonly out = new ByteWriter(4096);
  private readonly bits = new BitWriter();
  /** Bits written since the header: whether the stream ends on a byte boundary. */
  private bitCount = 0;
  /** Width of the latest write call, to reproduce Go's extra zero byte after a whole-byte write. */
  private lastWriteWidth = 0;
  /** XOR state: leading/trailing zero counts of the last "new window" value, and the previous value's bits. */
  private leading = LEADING_UNSET;
  private trailing = 0;
  private prevHi = 0;
  private prevLo = 0;

  begin(maxBytes: number): void {
    const out = this.out;
    out.pos = 0;
    // BitWriter stores four bytes at a time: room for a word past the last byte.
    out.ensure(maxBytes + 4);
    out.pos = HEADER_BYTES;
    this.bits.begin(out);
    this.bitCount = 0;
    this.lastWriteWidth = 0;
    this.leading = LEADING_UNSET;
    this.trailing = 0;
  }

  writeBit(bit: 0 | 1): void {
    this.bits.write(bit, 1);
    this.bitCount++;
    this.lastWriteWidth = 1;
  }

  /** Writes the `width` (1..32) low bits of `value`. */
  writeBits(value: number, width: number): void {
    this.bits.write(value, width);
    this.bitCount += width;
    this.lastWriteWidth = width;
  }

  /** Writes a 33..64-bit field given as halves; `hi` holds the bits above the low 32. */
  writeBits64(hi: number, lo: number, width: number): void {
    this.writeBits(hi, width - 32);
    this.writeBits(lo, 32);
    this.lastWriteWidth = width;
  }

  writeUvarint64(hi: number, lo: number): void {
    while (hi !== 0 || lo >= 0x80) {
      this.writeBits((lo & 0x7f) | 0x80, 8);
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi >>>= 7;
    }
    this.writeBits(lo, 8);
  }

  writeDod(dod: number): void {
    if (dod >= -8191 && dod <= 8192) this.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
    else if (dod >= -65535 && dod <= 65536) this.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
    else if (dod >= -524287 && dod <= 524288) this.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
    else {
      const hi = Math.floor(dod / TWO_POW_32);
      this.writeBits(0b1111, 4);
      this.writeBits64(hi >>> 0, dod - hi * TWO_POW_32, 64);
    }
  }

  setFirstValue(hi: number, lo: number): void {
    this.writeBits64(hi, lo, 64);
    this.prevHi = hi;
    this.prevLo = lo;
  }

  writeValue(hi: number, lo: number): void {
    const deltaHi = hi ^ this.prevHi;
    const deltaLo = lo ^ this.prevLo;
    this.prevHi = hi;
    this.prevLo = lo;
    if ((deltaHi | deltaLo) === 0) {
      this.writeBit(0);
      return;
    }
    // Prometheus clamps leading zeros to 31 so the count fits its 5-bit field.
    const newLeading = deltaHi !== 0 ? Math.clz32(deltaHi) : 31;
    const newTrailing = deltaLo !== 0 ? 31 - Math.clz32(deltaLo & -deltaLo) : 63 - Math.clz32(deltaHi & -deltaHi);
    if (this.leading !== LEADING_UNSET && newLeading >= this.leading && newTrailing >= this.trailing) {
      this.writeBits(0b10, 2);
      this.writeShiftedDelta(deltaHi, deltaLo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = newLeading;
    this.trailing = newTrailing;
    const significantBits = 64 - newLeading - newTrailing;
    // A 64-bit window goes out as 0 in the 6-bit field; 0 significant bits can never occur.
    this.writeBits((0b11 << 11) | (newLeading << 6) | (significantBits & 63), 13);
    this.writeShiftedDelta(deltaHi, deltaLo, newTrailing, significantBits);
  }

  private writeShiftedDelta(deltaHi: number, deltaLo: number, shift: number, width: number): void {
    let hi: number;
    let lo: number;
    if (shift === 0) {
      hi = deltaHi >>> 0;
      lo = deltaLo >>> 0;
    } else if (shift < 32) {
      hi = deltaHi >>> shift;
      lo = ((deltaLo >>> shift) | (deltaHi << (32 - shift))) >>> 0;
    } else {
      hi = 0;
      lo = deltaHi >>> (shift - 32);
    }
    if (width <= 32) this.writeBits(lo, width);
    else this.writeBits64(hi, lo, width);
  }

  finish(sampleCount: number): Uint8Array {
    this.bits.finish();
    const out = this.out;
    if ((this.bitCount & 7) === 0 && (this.lastWriteWidth & 7) === 0) out.buf[out.pos++] = 0;
    out.buf[0] = sampleCount >>> 8;
    out.buf[1] = sampleCount & 0xff;
    return out.buf.slice(0, out.pos);
  }
}

const writer = new ChunkBitWriter();

/** The halves of an int64 held in an integral double: `int64Hi` signed, `int64Lo` in [0, 2^32). Module scratch, so no object per call. */
let int64Hi = 0;
let int64Lo = 0;

function splitInt64(t: number): void {
  if (!Number.isInteger(t) || t >= INT64_LIMIT || t < -INT64_LIMIT) {
    throw new RangeError(`XOR chunk timestamps must be integral milliseconds within the int64 range, got ${t}`);
  }
  const hi = Math.floor(t / TWO_POW_32);
  int64Hi = hi;
  int64Lo = t - hi * TWO_POW_32; // exact: the true difference is an integer below 2^32
}

/**
 * Encodes points [start, end) as one XOR chunk. `ms`: millisecond timestamps (integral doubles, increasing);
 * `values`: float64 values whose exact bits must be kept, NaN payloads included (Prometheus's stale marker is
 * the NaN with bits 0x7ff0000000000002, which must come out unchanged). end - start must be 1..65535.
 */
export function encodeXorChunk(ms: Float64Array, values: Float64Array, start: number, end: number): Uint8Array {
  const count = end - start;
  if (!(count >= 1 && count <= MAX_CHUNK_SAMPLES)) {
    throw new RangeError(`an XOR chunk holds 1..${MAX_CHUNK_SAMPLES} samples, but end - start is ${count} (start ${start}, end ${end})`);
  }
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > ms.length || end > values.length) {
    throw new RangeError(`XOR chunk range [${start}, ${end}) is outside the ${ms.length} timestamps / ${values.length} values given`);
  }
  // Reading bits through integer halves, never through a JS number, is what keeps NaN payloads intact.
  const valueHalves = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const w = writer;
  w.begin(HEADER_BYTES + WORST_FIRST_SAMPLE_BYTES + WORST_BYTES_PER_SAMPLE * (count - 1));

  let prevT = ms[start]!;
  splitInt64(prevT);
  const sign = int64Hi >> 31; // zig-zag: shift left one, then flip every bit of negatives
  w.writeUvarint64((((int64Hi << 1) | (int64Lo >>> 31)) ^ sign) >>> 0, ((int64Lo << 1) ^ sign) >>> 0);
  w.setFirstValue(valueHalves[2 * start + 1]!, valueHalves[2 * start]!);
  if (count === 1) return w.finish(count);

  let t = ms[start + 1]!;
  splitInt64(t);
  let firstDeltaHi = int64Hi;
  let firstDeltaLo = int64Lo;
  splitInt64(prevT);
  firstDeltaHi -= int64Hi;
  firstDeltaLo -= int64Lo;
  if (firstDeltaLo < 0) {
    firstDeltaLo += TWO_POW_32;
    firstDeltaHi -= 1;
  }
  w.writeUvarint64(firstDeltaHi >>> 0, firstDeltaLo); // Go writes uint64(t1 - t0), wrapping if negative
  w.writeValue(valueHalves[2 * start + 3]!, valueHalves[2 * start + 2]!);
  let prevDelta = t - prevT;
  let prevDeltaExact = prevDelta <= EXACT_DELTA_LIMIT && prevDelta >= -EXACT_DELTA_LIMIT;
  let prevPrevT = prevT;
  prevT = t;

  for (let i = start + 2; i < end; i++) {
    t = ms[i]!;
    const delta = t - prevT;
    const deltaExact = delta <= EXACT_DELTA_LIMIT && delta >= -EXACT_DELTA_LIMIT; // false for NaN too
    if (deltaExact && prevDeltaExact) {
      const dod = delta - prevDelta;
      if (dod === 0) w.writeBit(0);
      else if (Number.isInteger(dod)) w.writeDod(dod);
      else throw new RangeError(`XOR chunk timestamps must be integral milliseconds, got ${t} at index ${i}`);
    } else {
      writeDodExactly(w, t, prevT, prevPrevT);
    }
    w.writeValue(valueHalves[2 * i + 1]!, valueHalves[2 * i]!);
    prevDelta = delta;
    prevDeltaExact = deltaExact;
    prevPrevT = prevT;
    prevT = t;
  }
  return w.finish(count);
}

/** The rare path where a delta passes 2^52: dod = t - 2*prevT + prevPrevT in 32-bit halves, wrapping like Go's int64. */
function writeDodExactly(w: ChunkBitWriter, t: number, prevT: number, prevPrevT: number): void {
  splitInt64(t);
  let hi = int64Hi;
  let lo = int64Lo;
  splitInt64(prevT);
  hi -= 2 * int64Hi;
  lo -= 2 * int64Lo;
  splitInt64(prevPrevT);
  hi += int64Hi;
  lo += int64Lo;
  const carry = Math.floor(lo / TWO_POW_32);
  lo -= carry * TWO_POW_32;
  hi = (hi + carry) | 0;
  if (hi === 0 && lo === 0) w.writeBit(0);
  else if (hi === 0) w.writeDod(lo);
  else if (hi === -1) w.writeDod(lo - TWO_POW_32);
  else {
    w.writeBits(0b1111, 4);
    w.writeBits64(hi >>> 0, lo, 64);
  }
}

/** Bits in a dod field after a prefix of 1, 2 or 3 ones (4 ones means a plain 64-bit field). */
const DOD_SIZES_BY_PREFIX = [0, 14, 17, 20] as const;

/** MSB-first reader for the decoder; throws instead of reading past the end. */
class ChunkBitReader {
  private bitPos = HEADER_BYTES * 8;
  private readonly bitLimit: number;
  constructor(private readonly bytes: Uint8Array) {
    this.bitLimit = bytes.length * 8;
  }

  /** Reads `width` (0..32) bits as an unsigned number. */
  readBits(width: number): number {
    if (this.bitPos + width > this.bitLimit) throw new RangeError('XOR chunk is truncated');
    let result = 0;
    while (width > 0) {
      const pos = this.bitPos;
      const available = 8 - (pos & 7);
      const take = available < width ? available : width;
      const bits = (this.bytes[pos >>> 3]! >>> (available - take)) & ((1 << take) - 1);
      result = result * (1 << take) + bits; // multiply, not shift: 32-bit results stay unsigned
      this.bitPos = pos + take;
      width -= take;
    }
    return result;
  }

  readUvarint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.readBits(8);
      if (shift === 63n && byte > 1) break;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new RangeError('XOR chunk varint overflows 64 bits');
  }
}

/** Decodes a chunk: timestamps and the raw value bits (hi and lo 32-bit halves per sample, so NaN payloads survive). For tests and tools. */
export function decodeXorChunk(data: Uint8Array): { ms: number[]; hi: number[]; lo: number[] } {
  if (data.length < HEADER_BYTES) throw new RangeError(`an XOR chunk needs a ${HEADER_BYTES}-byte header, got ${data.length} bytes`);
  const count = (data[0]! << 8) | data[1]!;
  const ms: number[] = [];
  const hi: number[] = [];
  const lo: number[] = [];
  if (count === 0) return { ms, hi, lo };
  const reader = new ChunkBitReader(data);

  // Time arithmetic in BigInt wraps exactly like Go's int64/uint64; speed does not matter here.
  const zigZag = reader.readUvarint();
  let t = (zigZag >> 1n) ^ -(zigZag & 1n);
  let valueHi = reader.readBits(32);
  let valueLo = reader.readBits(32);
  ms.push(Number(t));
  hi.push(valueHi);
  lo.push(valueLo);

  let tDelta = 0n;
  let leading = 0;
  let trailing = 0;
  for (let n = 1; n < count; n++) {
    if (n === 1) {
      tDelta = reader.readUvarint();
    } else {
      let prefixOnes = 0;
      while (prefixOnes < 4 && reader.readBits(1) === 1) prefixOnes++;
      let dod = 0n;
      if (prefixOnes === 4) {
        dod = BigInt.asIntN(64, (BigInt(reader.readBits(32)) << 32n) | BigInt(reader.readBits(32)));
      } else if (prefixOnes > 0) {
        const size = DOD_SIZES_BY_PREFIX[prefixOnes]!;
        let bits = reader.readBits(size);
        if (bits > 2 ** (size - 1)) bits -= 2 ** size;
        dod = BigInt(bits);
      }
      tDelta = BigInt.asUintN(64, tDelta + dod);
    }
    t = BigInt.asIntN(64, t + tDelta);

    if (reader.readBits(1) === 1) {
      if (reader.readBits(1) === 1) {
        leading = reader.readBits(5);
        const significantBits = reader.readBits(6) || 64;
        trailing = 64 - leading - significantBits;
        if (trailing < 0) throw new RangeError(`XOR chunk sample ${n} has ${leading} leading zeros and ${significantBits} significant bits`);
      }
      const width = 64 - leading - trailing;
      const payloadHi = width > 32 ? reader.readBits(width - 32) : 0;
      const payloadLo = reader.readBits(width > 32 ? 32 : width);
      let deltaHi: number;
      let deltaLo: number;
      if (trailing === 0) {
        deltaHi = payloadHi;
        deltaLo = payloadLo;
      } else if (trailing < 32) {
        deltaHi = (payloadHi << trailing) | (payloadLo >>> (32 - trailing));
        deltaLo = payloadLo << trailing;
      } else {
        deltaHi = payloadLo << (trailing - 32);
        deltaLo = 0;
      }
      valueHi = (valueHi ^ deltaHi) >>> 0;
      valueLo = (valueLo ^ deltaLo) >>> 0;
    }
    ms.push(Number(t));
    hi.push(valueHi);
    lo.push(valueLo);
  }
  return { ms, hi, lo };
}
