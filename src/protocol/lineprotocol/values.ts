/** String and boolean field values, and field keys. */
import { FieldType } from '../../core/index.ts';
import { INVALID_BOOLEAN, INVALID_FIELD_FORMAT, MISSING_FIELD_KEY, UNBALANCED_QUOTES } from './errors.ts';
import { STRING_ESCAPES, unescape } from './escape.ts';
import type { ParseOut } from './out.ts';
import { BACKSLASH, COMMA, EQUALS, isLineEnd, isValueEnd, QUOTE, SPACE } from './scan.ts';

/**
 * A double-quoted string at `start` into `out`; `\"` and `\\` are its only escapes, other
 * backslashes stay; newlines are part of the value. Returns the index after the closing quote,
 * or -1 with `out.err` set.
 */
export function parseString(buf: Buffer, start: number, len: number, out: ParseOut): number {
  let i = start + 1;
  let escaped = false;
  for (;;) {
    if (i >= len) return out.fail(UNBALANCED_QUOTES);
    const c = buf[i]!;
    if (c === BACKSLASH && i + 1 < len && (buf[i + 1] === QUOTE || buf[i + 1] === BACKSLASH)) {
      escaped = true;
      i += 2;
      continue;
    }
    if (c === QUOTE) break;
    i++;
  }
  // Something glued to the closing quote (`"a"b`) is not a value influxd can store either.
  if (!isValueEnd(buf, i + 1, len)) return out.fail(INVALID_FIELD_FORMAT);
  out.type = FieldType.String;
  out.obj = escaped ? unescape(buf, start + 1, i, STRING_ESCAPES) : buf.toString('utf8', start + 1, i);
  return i + 1;
}

/** `t T true True TRUE f F false False FALSE` at `start`, nothing else, into `out.num` as 1/0. */
export function parseBoolean(buf: Buffer, start: number, len: number, out: ParseOut): number {
  let i = start;
  while (!isValueEnd(buf, i, len)) i++;
  const n = i - start;
  const c = buf[start]!;
  let value: boolean;
  if (n === 1 && (c === 0x74 || c === 0x54)) value = true;
  else if (n === 1 && (c === 0x66 || c === 0x46)) value = false;
  else {
    const text = buf.toString('latin1', start, i);
    if (text === 'true' || text === 'True' || text === 'TRUE') value = true;
    else if (text === 'false' || text === 'False' || text === 'FALSE') value = false;
    else return out.fail(INVALID_BOOLEAN);
  }
  out.type = FieldType.Boolean;
  out.num = value ? 1 : 0;
  return i;
}

/** Scans a field key from `start`; returns the index of its `=`, or -1 with `out.err` set. */
export function scanFieldKey(buf: Buffer, start: number, len: number, out: ParseOut): number {
  let i = start;
  // influxd's scanFields skips a backslash and the byte after it, so `a\\=1` has key `a\\`.
  for (;;) {
    if (i >= len) return out.fail(INVALID_FIELD_FORMAT);
    const c = buf[i]!;
    if (c === BACKSLASH && i + 1 < len) {
      i += 2;
      continue;
    }
    if (c === EQUALS) break;
    if (c === SPACE || c === COMMA || isLineEnd(buf, i, len)) return out.fail(INVALID_FIELD_FORMAT);
    i++;
  }
  if (i === start) return out.fail(MISSING_FIELD_KEY);
  return i;
}
