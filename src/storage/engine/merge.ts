import { Column, type SplitTimeRange } from '../../core/index.ts';

/**
 * Merges the pieces of one field's points, given oldest first (older segments, newer segments,
 * then MemTable chunks): the result is sorted by time, keeps the newest of equal timestamps (last
 * write wins) and is clipped to `range` when one is given.
 */
export function mergeColumns(parts: readonly Column[], range: SplitTimeRange | undefined): Column {
  let merged: Column;
  if (parts.length === 1) {
    merged = parts[0]!;
  } else {
    merged = new Column(parts[0]!.type, parts.reduce((n, p) => n + p.length, 0));
    for (const p of parts) merged.pushRange(p);
  }
  merged = merged.sortedUnique();
  if (range === undefined) return merged;
  const from = lowerBound(merged, range.minMs, range.minSub);
  const to = upperBound(merged, range.maxMs, range.maxSub);
  if (from === 0 && to === merged.length) return merged;
  return merged.slice(from, to);
}

/** First index whose timestamp is >= (ms, sub). */
function lowerBound(c: Column, ms: number, sub: number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.ms[mid]! < ms || (c.ms[mid] === ms && c.sub[mid]! < sub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose timestamp is > (ms, sub). */
function upperBound(c: Column, ms: number, sub: number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.ms[mid]! < ms || (c.ms[mid] === ms && c.sub[mid]! <= sub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
