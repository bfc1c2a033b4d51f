/**
 * The series key of a line, `measurement,tag=value,...`: found and hashed on every line,
 * parsed only when the parser has not met it before (see known.ts).
 */
import { randomInt } from 'node:crypto';
import { canonicalSeriesKey, type Tag } from '../../core/index.ts';
import {
  DUPLICATE_TAGS,
  INVALID_TAG_FORMAT,
  keyTooLong,
  MAX_KEY_LENGTH,
  MISSING_FIELDS,
  MISSING_MEASUREMENT,
  MISSING_TAG_KEY,
  MISSING_TAG_VALUE,
  RESERVED_TAG_KEY,
} from './errors.ts';
import { MEASUREMENT_ESCAPES, TAG_ESCAPES, unescape } from './escape.ts';
import type { ParseOut } from './out.ts';
import { BACKSLASH, COMMA, EQUALS, NL, SPACE } from './scan.ts';

// Random per process, so that a writer cannot choose keys that all land in one hash bucket.
const SEED = randomInt(2 ** 30);
const SPACES = 0x20202020;
const NEWLINES = 0x0a0a0a0a;
const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;
const MULTIPLIER = 0x9e3779b1 | 0;

/**
 * Finds the end of the key that starts at `start`, the first space not escaped by a backslash,
 * and hashes the key's bytes on the way into `out.hash` (30 bits). Returns the index of that
 * space, or -1 with `out.err` set when the line ends first. `view` spans `buf`.
 *
 * Four bytes at a time while none of them is a space or a newline (the SWAR zero-byte test on
 * the word xor'ed with that byte), then byte by byte. Which bytes go in words depends only on
 * the key's own bytes, so equal keys get equal hashes wherever they are.
 */
export function scanKey(buf: Buffer, view: DataView, start: number, len: number, out: ParseOut): number {
  let h = SEED;
  let i = start;
  const lastWord = len - 4;
  while (i <= lastWord) {
    const w = view.getInt32(i, true);
    const spaces = w ^ SPACES;
    const newlines = w ^ NEWLINES;
    if ((((spaces - ONES) & ~spaces) | ((newlines - ONES) & ~newlines)) & HIGHS) break;
    h = Math.imul(((h << 5) | (h >>> 27)) ^ w, MULTIPLIER);
    i += 4;
  }
  for (;;) {
    if (i >= len) return out.fail(MISSING_FIELDS);
    const c = buf[i]!;
    if (c === SPACE && buf[i - 1] !== BACKSLASH) break;
    if (c === NL) return out.fail(MISSING_FIELDS);
    h = Math.imul(((h << 5) | (h >>> 27)) ^ c, MULTIPLIER);
    i++;
  }
  out.hash = (h ^ (h >>> 15)) & 0x3fffffff;
  return i;
}

/** The tag key that names the measurement in queries (the index's MEASUREMENT_NAME). */
const RESERVED_TAG = '__name__';

export interface SeriesKey {
  readonly measurement: string;
  /** Sorted by key. */
  readonly tags: Tag[];
  /** canonicalSeriesKey(measurement, tags). */
  readonly key: string;
}

/** Parses the key in bytes [start, end); null with `out.err` set when it is invalid. */
export function parseSeriesKey(buf: Buffer, start: number, end: number, out: ParseOut): SeriesKey | null {
  if (end - start > MAX_KEY_LENGTH) return fail(out, keyTooLong(end - start));
  if (buf[start] === COMMA) return fail(out, MISSING_MEASUREMENT);
  // Here, as in influxd's scanKey, a separator is escaped when the byte before it is a backslash.
  let i = start;
  while (i < end && !(buf[i] === COMMA && buf[i - 1] !== BACKSLASH)) i++;
  const measurement = unescape(buf, start, i, MEASUREMENT_ESCAPES);
  const tags: Tag[] = [];
  while (i < end) {
    i++; // the comma
    const ks = i;
    while (i < end) {
      const c = buf[i]!;
      if ((c === EQUALS || c === COMMA) && buf[i - 1] !== BACKSLASH) break;
      i++;
    }
    if (i === ks) return fail(out, MISSING_TAG_KEY);
    if (i >= end || buf[i] === COMMA) return fail(out, MISSING_TAG_VALUE);
    const ke = i;
    i++; // the equals sign
    const vs = i;
    while (i < end) {
      const c = buf[i]!;
      if (buf[i - 1] !== BACKSLASH) {
        if (c === COMMA) break;
        if (c === EQUALS) return fail(out, INVALID_TAG_FORMAT);
      }
      i++;
    }
    if (i === vs) return fail(out, MISSING_TAG_VALUE);
    tags.push({ key: intern(unescape(buf, ks, ke, TAG_ESCAPES)), value: unescape(buf, vs, i, TAG_ESCAPES) });
  }
  // Byte order of UTF-16 code units; the canonical key is ours, so this only has to be stable.
  tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let t = 1; t < tags.length; t++) {
    if (tags[t]!.key === tags[t - 1]!.key) return fail(out, DUPLICATE_TAGS);
  }
  // Checked last, so that a line influxd rejects gets influxd's reason.
  for (const tag of tags) if (tag.key === RESERVED_TAG) return fail(out, RESERVED_TAG_KEY);
  const key = canonicalSeriesKey(measurement, tags);
  // Built by concatenation, the key is a rope of ~3 pieces per tag; reading a char makes V8
  // flatten it in place, which takes an eighth of the memory (and this key is kept for long).
  key.charCodeAt(0);
  return { measurement: intern(measurement), tags, key };
}

// Measurements and tag keys repeat across series: one copy of each, for the series kept in known.ts.
const interned = new Map<string, string>();
const MAX_INTERNED = 4096;

function intern(s: string): string {
  const seen = interned.get(s);
  if (seen !== undefined) return seen;
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(s, s);
  return s;
}

function fail(out: ParseOut, reason: string): null {
  out.err = reason;
  return null;
}
