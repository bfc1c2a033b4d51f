/**
 * The Gorilla XOR float decoder as it was before the word-at-a-time rewrite (the byte-wise
 * BitReader that timestamps still use), kept as an oracle: the optimised decoder in
 * src/codec/floats.ts must decode the same bits, stop at the same byte and throw DecodeError with
 * the same message on the same input. The encoder is pinned by the golden tests instead.
 */
import { BitReader } from '../../src/codec/bits.ts';
import { corrupt } from '../../src/codec/errors.ts';

const reader = new BitReader();

export function decodeGorillaReference(buf: Uint8Array, pos: number, end: number, n: number, out: Float64Array): number {
  if (n === 0) return pos;
  const u32 = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
  reader.begin(buf, pos, end);
  let hi = reader.read(32);
  let lo = reader.read(32);
  u32[0] = lo;
  u32[1] = hi;
  let lz = -1;
  let tz = 0;
  let sig = 0;
  for (let i = 1; i < n; i++) {
    if (reader.bit() !== 0) {
      if (reader.bit() === 0) {
        if (lz < 0) throw corrupt('gorilla value reuses a window before any was set');
      } else {
        lz = reader.read(5);
        sig = reader.read(6);
        if (sig === 0) sig = 64;
        tz = 64 - lz - sig;
        if (tz < 0) throw corrupt(`gorilla window of ${lz} leading zeros and ${sig} bits exceeds 64`);
      }
      let shi: number;
      let slo: number;
      if (sig > 32) {
        shi = reader.read(sig - 32);
        slo = reader.read(32);
      } else {
        shi = 0;
        slo = reader.read(sig);
      }
      if (tz === 0) {
        hi ^= shi;
        lo ^= slo;
      } else if (tz < 32) {
        hi ^= (shi << tz) | (slo >>> (32 - tz));
        lo ^= slo << tz;
      } else {
        hi ^= slo << (tz - 32);
      }
    }
    u32[2 * i] = lo;
    u32[2 * i + 1] = hi;
  }
  return reader.endPos;
}
