import { xxh64 } from '@node-rs/xxhash';

/** A tag (InfluxDB) or label (Prometheus): both are string pairs on a series. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/**
 * 64-bit hash of a series' canonical key (xxHash64, seed 0, over its UTF-8 bytes).
 * It is part of the on-disk formats and of shard placement: never change the function.
 * A bigint per series (never per sample) is cheap enough; hot paths cache it on the series.
 */
export type SeriesId = bigint;

export function seriesIdOf(canonicalKey: string): SeriesId {
  return xxh64(Buffer.from(canonicalKey, 'utf8'));
}

function compareTags(a: Tag, b: Tag): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Tags sorted by key. Throws on a duplicate key, since a series cannot hold two values for one tag. */
export function sortTags(tags: readonly Tag[]): Tag[] {
  const sorted = tags.slice().sort(compareTags);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.key === sorted[i - 1]!.key) throw new Error(`duplicate tag key "${sorted[i]!.key}"`);
  }
  return sorted;
}

// Backslash is escaped as well as InfluxDB's `, = space`, so that the key is injective: two
// different tag sets never share a key, whatever bytes the label values hold.
const KEY_SPECIALS = /[\\, =]/g;
const HAS_KEY_SPECIAL = /[\\, =]/;
function escapeKeyPart(s: string): string {
  // Nearly no name or value holds one: testing first is several times cheaper than the replace,
  // which was the biggest single cost of decoding a remote write series met for the first time.
  return HAS_KEY_SPECIAL.test(s) ? s.replace(KEY_SPECIALS, (special) => '\\' + special) : s;
}

/**
 * The canonical series key: `measurement,k1=v1,k2=v2` with tags sorted by key and `\ , = space`
 * escaped by a backslash. Tags must already be sorted (see `sortTags`); empty values are dropped,
 * as InfluxDB and Prometheus both treat an empty label as absent.
 */
export function canonicalSeriesKey(measurement: string, sortedTags: readonly Tag[]): string {
  let key = escapeKeyPart(measurement);
  for (const tag of sortedTags) {
    if (tag.value === '') continue;
    key += ',' + escapeKeyPart(tag.key) + '=' + escapeKeyPart(tag.value);
  }
  return key;
}

/** The measurement of a canonical series key, without parsing its tags. */
export function measurementOfKey(key: string): string {
  let end = 0;
  let escaped = false;
  for (; end < key.length; end++) {
    const c = key.charCodeAt(end);
    if (c === 0x5c /* \ */) {
      escaped = true;
      end++; // the escaped character, which may be a comma
    } else if (c === 0x2c /* , */) {
      break;
    }
  }
  const raw = key.slice(0, end);
  return escaped ? raw.replace(/\\(.)/g, '$1') : raw;
}

/** Inverse of `canonicalSeriesKey`. */
export function parseSeriesKey(key: string): { measurement: string; tags: Tag[] } {
  if (key.indexOf('\\') < 0) return parseUnescapedKey(key);
  const parts: string[] = [];
  let current = '';
  const eqAt: number[] = [];
  let eq = -1;
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '\\' && i + 1 < key.length) {
      current += key[++i];
    } else if (c === ',') {
      parts.push(current);
      eqAt.push(eq);
      current = '';
      eq = -1;
    } else if (c === '=' && eq < 0 && parts.length > 0) {
      eq = current.length;
      current += c;
    } else {
      current += c;
    }
  }
  parts.push(current);
  eqAt.push(eq);
  const tags: Tag[] = [];
  for (let i = 1; i < parts.length; i++) {
    const at = eqAt[i]!;
    if (at < 0) throw new Error(`malformed series key "${key}": tag without "="`);
    tags.push({ key: shared(parts[i]!.slice(0, at)), value: shared(parts[i]!.slice(at + 1)) });
  }
  return { measurement: parts[0]!, tags };
}

/**
 * parseSeriesKey for a key without escapes (nearly every key): its parts are cut out by position.
 * Building them a character at a time, as escapes need, made a string per character, and was most
 * of the main thread's work for a series met for the first time.
 */
function parseUnescapedKey(key: string): { measurement: string; tags: Tag[] } {
  let comma = key.indexOf(',');
  const measurement = comma < 0 ? key : key.slice(0, comma);
  const tags: Tag[] = [];
  while (comma >= 0) {
    const start = comma + 1;
    const next = key.indexOf(',', start);
    const end = next < 0 ? key.length : next;
    const eq = key.indexOf('=', start);
    if (eq < 0 || eq >= end) throw new Error(`malformed series key "${key}": tag without "="`);
    tags.push({ key: shared(key.slice(start, eq)), value: shared(key.slice(eq + 1, end)) });
    comma = next;
  }
  return { measurement, tags };
}

// Tag keys and most tag values repeat from series to series (a few dozen names, and values such as
// a region or a host's name shared by all its metrics): the series parsed from keys share one
// string of each rather than holding a copy apiece, which were a sixth of the main thread's heap
// at 50,000 series. Bounded, so that values unique to each series (which gain nothing) cannot
// grow it without end: past the bound, new texts are simply not shared.
const SHARED_TEXTS = new Map<string, string>();
const MAX_SHARED_TEXTS = 100_000;

function shared(text: string): string {
  const known = SHARED_TEXTS.get(text);
  if (known !== undefined) return known;
  if (SHARED_TEXTS.size < MAX_SHARED_TEXTS) SHARED_TEXTS.set(text, text);
  return text;
}
