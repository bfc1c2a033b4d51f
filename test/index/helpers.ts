import { RE2JS } from 're2js';
import { canonicalSeriesKey, sortTags } from '../../src/core/index.ts';
import { MEASUREMENT_NAME, SeriesIndex, type Matcher, type SeriesRef } from '../../src/index/index.ts';

export interface TestSeries {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Adds a series given as a measurement and a tag object; returns its ref. */
export function addSeries(idx: SeriesIndex, s: TestSeries): SeriesRef {
  const tags = sortTags(Object.entries(s.tags).map(([key, value]) => ({ key, value })));
  return idx.getOrAdd(canonicalSeriesKey(s.measurement, tags), s.measurement, tags);
}

export function indexOf(series: readonly TestSeries[]): SeriesIndex {
  const idx = new SeriesIndex();
  for (const s of series) addSeries(idx, s);
  return idx;
}

/**
 * The brute-force oracle: Prometheus semantics straight from the definition, with a full re2js
 * match for every regex (no shortcuts), so it shares no logic with the index.
 */
export function oracleMatches(s: TestSeries, m: Matcher): boolean {
  const value = m.name === MEASUREMENT_NAME ? s.measurement : (s.tags[m.name] ?? '');
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return RE2JS.compile(m.value, RE2JS.DOTALL).testExact(value);
    case '!~':
      return !RE2JS.compile(m.value, RE2JS.DOTALL).testExact(value);
  }
}

/** Refs, in order, of the distinct series of `series` (refs follow first insertion) that match all of `matchers`. */
export function oracleSelect(series: readonly TestSeries[], matchers: readonly Matcher[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  for (const s of series) {
    const key = canonicalSeriesKey(s.measurement, sortTags(Object.entries(s.tags).map(([key, value]) => ({ key, value }))));
    if (seen.has(key)) continue;
    const ref = seen.size;
    seen.set(key, ref);
    if (matchers.every((m) => oracleMatches(s, m))) out.push(ref);
  }
  return out;
}

export const fmt = (m: readonly Matcher[]): string => '{' + m.map((x) => `${x.name}${x.op}${JSON.stringify(x.value)}`).join(',') + '}';
