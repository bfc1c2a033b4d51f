import { ByteReader, type ByteWriter } from '../core/index.ts';
import { corruptAt } from './errors.ts';

/**
 * The Const value encodings of 64-bit types (FloatConst, IntConst: docs/format/block.md): the one
 * value, stored once as its low and high 32-bit halves. Floats and integers both come here as
 * halves (a 32-bit view of their array), so float bits (NaN payloads, -0) and int64 patterns
 * are compared and kept exactly.
 */
export type Halves = Int32Array | Uint32Array;

/** True when every value of [start, end) has the same bits. */
export function isConst64(v: Halves, start: number, end: number): boolean {
  const lo = v[2 * start]!;
  const hi = v[2 * start + 1]!;
  for (let i = start + 1; i < end; i++) if (v[2 * i] !== lo || v[2 * i + 1] !== hi) return false;
  return true;
}

export function encodeConst64(w: ByteWriter, v: Halves, start: number): void {
  w.u32(v[2 * start]!);
  w.u32(v[2 * start + 1]!);
}

/** Fills `n` values of `out` with the stored one; returns the position after it. */
export function decodeConst64(buf: Uint8Array, pos: number, end: number, n: number, out: Halves): number {
  const r = new ByteReader(buf, pos, end, corruptAt);
  const lo = r.u32('constant value');
  const hi = r.u32('constant value');
  for (let i = 0; i < n; i++) {
    out[2 * i] = lo;
    out[2 * i + 1] = hi;
  }
  return r.pos;
}
