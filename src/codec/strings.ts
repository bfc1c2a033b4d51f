import { ByteReader, type ByteWriter } from '../core/index.ts';
import { corrupt, corruptAt } from './errors.ts';
import { ValueEncoding } from './format.ts';

/**
 * String value codecs (docs/format/block.md, "Value section"): Dictionary when at most half of
 * the values are distinct (tags-like fields: status, level, host), else Plain. Each string is a
 * uvarint byte length and UTF-8.
 */

function writeString(w: ByteWriter, s: string): void {
  // A lone surrogate would come back as U+FFFD: refuse it rather than lose it silently.
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new Error(`Cannot encode string ${JSON.stringify(s.slice(0, 40))}: it holds a lone surrogate, which UTF-8 cannot store`);
  }
  w.varString(s);
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
  const r = new ByteReader(buf, pos, end, corruptAt);
  switch (encoding) {
    case ValueEncoding.StringPlain:
      for (let i = 0; i < n; i++) out[i] = r.varString('string value');
      return r.pos;
    case ValueEncoding.StringDict: {
      if (n === 0) return r.pos;
      const d = r.uvarint('dictionary size');
      if (d < 1 || d > n) throw corrupt(`dictionary of ${d} strings for ${n} values`);
      const dict = new Array<string>(d);
      for (let i = 0; i < d; i++) dict[i] = r.varString('dictionary string');
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
