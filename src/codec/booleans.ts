import type { ByteWriter } from '../core/index.ts';
import { corrupt } from './errors.ts';
import { ValueEncoding } from './format.ts';

/** Boolean value codecs (docs/format/block.md, "Value section"): bit-packed, or Const. */

export function encodeBooleans(w: ByteWriter, values: Uint8Array, start: number, end: number, encoding?: ValueEncoding): ValueEncoding {
  const n = end - start;
  if (encoding === undefined) {
    encoding = ValueEncoding.BoolConst;
    if (n === 0) encoding = ValueEncoding.BoolBits;
    for (let i = start + 1; i < end; i++) {
      if ((values[i] !== 0) !== (values[start] !== 0)) {
        encoding = ValueEncoding.BoolBits;
        break;
      }
    }
  }
  switch (encoding) {
    case ValueEncoding.BoolConst:
      for (let i = start + 1; i < end; i++) {
        if ((values[i] !== 0) !== (values[start] !== 0)) throw new Error('BUG: const boolean encoding for values that differ');
      }
      if (n === 0) throw new Error('BUG: const boolean encoding for no values');
      w.u8(values[start] !== 0 ? 1 : 0);
      break;
    case ValueEncoding.BoolBits: {
      const bytes = (n + 7) >>> 3;
      w.ensure(bytes);
      const buf = w.buf;
      const at = w.pos;
      buf.fill(0, at, at + bytes);
      for (let i = 0; i < n; i++) if (values[start + i] !== 0) buf[at + (i >>> 3)]! |= 1 << (i & 7);
      w.pos = at + bytes;
      break;
    }
    default:
      throw new Error(`BUG: value encoding ${encoding} is not for booleans`);
  }
  return encoding;
}

export function decodeBooleans(buf: Uint8Array, pos: number, end: number, encoding: number, n: number, out: Uint8Array): number {
  switch (encoding) {
    case ValueEncoding.BoolConst: {
      if (n === 0) return pos;
      if (pos >= end) throw corrupt('boolean section ends early');
      const v = buf[pos]!;
      if (v > 1) throw corrupt(`constant boolean ${v} is neither 0 nor 1`);
      out.fill(v, 0, n);
      return pos + 1;
    }
    case ValueEncoding.BoolBits: {
      const bytes = (n + 7) >>> 3;
      if (end - pos < bytes) throw corrupt(`boolean section of ${end - pos} bytes for ${n} values`);
      for (let i = 0; i < n; i++) out[i] = (buf[pos + (i >>> 3)]! >>> (i & 7)) & 1;
      if (n & 7 && buf[pos + bytes - 1]! >>> (n & 7) !== 0) throw corrupt('unused boolean bits are set');
      return pos + bytes;
    }
    default:
      throw corrupt(`value encoding ${encoding} is not for booleans`);
  }
}
