import { ByteReader, corrupt, type ByteWriter } from './bytes.ts';
import { ValueEncoding } from './format.ts';

/**
 * String value codecs (docs/format/block.md, "Value section"): Dictionary when at most half of
 * the values are distinct (tags-like fields: status, level, host), else Plain.
 */

const utf8 = new TextEncoder();
// fatal: bytes that are not UTF-8 are corruption, not text to patch with U+FFFD.
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function writeString(w: ByteWriter, s: string): void {
  // A lone surrogate would come back as U+FFFD: refuse it rather than lose it silently.
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new Error(`Cannot encode string ${JSON.stringify(s.slice(0, 40))}: it holds a lone surrogate, which UTF-8 cannot store`);
  }
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  w.ensure(8 + s.length * 3);
  const lengthAt = w.pos;
  // Reserve a 1-byte length for the common short string; move the bytes if it needs more.
  const { written } = utf8.encodeInto(s, w.buf.subarray(lengthAt + 1));
  if (written < 128) {
    w.buf[lengthAt] = written;
    w.pos = lengthAt + 1 + written;
    return;
  }
  const bytes = w.buf.slice(lengthAt + 1, lengthAt + 1 + written);
  w.pos = lengthAt;
  w.uvarint(written);
  w.bytes(bytes);
}

function readString(r: ByteReader): string {
  const length = r.uvarint();
  const at = r.take(length);
  try {
    return utf8Strict.decode(r.buf.subarray(at, at + length));
  } catch {
    throw corrupt('string is not valid UTF-8');
  }
}

export function encodeStrings(w: ByteWriter, values: readonly string[], start: number, end: number, encoding?: ValueEncoding): ValueEncoding {
  const n = end - start;
  if (n === 0) return encoding ?? ValueEncoding.StringPlain;
  let dict: Map<string, number> | undefined;
  if (encoding !== ValueEncoding.StringPlain) {
    dict = new Map();
    for (let i = start; i < end; i++) {
      const s = values[i]!;
      if (!dict.has(s)) {
        dict.set(s, dict.size);
        if (encoding === undefined && dict.size * 2 > n) {
          dict = undefined;
          break;
        }
      }
    }
  }
  if (dict === undefined || encoding === ValueEncoding.StringPlain) {
    for (let i = start; i < end; i++) writeString(w, values[i]!);
    return ValueEncoding.StringPlain;
  }
  if (encoding !== undefined && encoding !== ValueEncoding.StringDict) throw new Error(`BUG: value encoding ${encoding} is not for strings`);
  w.uvarint(dict.size);
  for (const s of dict.keys()) writeString(w, s);
  if (dict.size > 1) for (let i = start; i < end; i++) w.uvarint(dict.get(values[i]!)!);
  return ValueEncoding.StringDict;
}

export function decodeStrings(buf: Uint8Array, pos: number, end: number, encoding: number, n: number, out: string[]): number {
  const r = new ByteReader(buf, pos, end);
  switch (encoding) {
    case ValueEncoding.StringPlain:
      for (let i = 0; i < n; i++) out[i] = readString(r);
      return r.pos;
    case ValueEncoding.StringDict: {
      if (n === 0) return r.pos;
      const d = r.uvarint();
      if (d < 1 || d > n) throw corrupt(`dictionary of ${d} strings for ${n} values`);
      const dict = new Array<string>(d);
      for (let i = 0; i < d; i++) dict[i] = readString(r);
      if (d === 1) {
        out.fill(dict[0]!, 0, n);
      } else {
        for (let i = 0; i < n; i++) out[i] = dict[r.uvarintMax(d - 1, 'dictionary index')]!;
      }
      return r.pos;
    }
    default:
      throw corrupt(`value encoding ${encoding} is not for strings`);
  }
}
