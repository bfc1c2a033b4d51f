import { Column, type SplitTimeRange } from '../../core/index.ts';

/**
 * Merges the pieces of one field's points, given oldest first (older segments, newer segments,
 * then MemTable chunks), each strictly sorted by time (segment blocks are written sorted, MemTable
 * chunks come from `ChunkedColumn.sortedChunks`): the result is sorted by time, keeps the newest
 * of equal timestamps (last write wins) and is clipped to `range` when one is given.
 */
export function mergeColumns(parts: readonly Column[], range: SplitTimeRange | undefined): Column {
  if (parts.length === 1 || inSequence(parts)) return concatenate(parts, range);
  const all = new Column(parts[0]!.type, parts.reduce((n, p) => n + p.length, 0));
  for (const p of parts) all.pushRange(p);
  return clip(all.sortedUnique(), range);
}

/** True when each part starts after the previous one ends: then their concatenation is sorted and unique. */
function inSequence(parts: readonly Column[]): boolean {
  let prev: Column | undefined;
  for (const p of parts) {
    if (p.length === 0) continue;
    if (prev !== undefined) {
      const i = prev.length - 1;
      if (p.ms[0]! < prev.ms[i]! || (p.ms[0] === prev.ms[i] && p.sub[0]! <= prev.sub[i]!)) return false;
    }
    prev = p;
  }
  return true;
}

/** The in-range points of sorted parts in sequence, copying only those. */
function concatenate(parts: readonly Column[], range: SplitTimeRange | undefined): Column {
  if (parts.length === 1) return clip(parts[0]!, range);
  const bounds = parts.map((p) => (range === undefined ? [0, p.length] : [lowerBound(p, range.minMs, range.minSub), upperBound(p, range.maxMs, range.maxSub)]));
  const out = new Column(parts[0]!.type, bounds.reduce((n, [from, to]) => n + to! - from!, 0));
  parts.forEach((p, i) => out.pushRange(p, bounds[i]![0], bounds[i]![1]));
  return out;
}

/**
 * The points of a sorted column outside every range of `deleted` (ranged tombstones), copying
 * only when something goes: each range is cut out by binary search, not tested per point.
 */
export function removeRanges(column: Column, deleted: readonly SplitTimeRange[]): Column {
  const cuts: Array<[number, number]> = [];
  for (const r of deleted) {
    const from = lowerBound(column, r.minMs, r.minSub);
    const to = upperBound(column, r.maxMs, r.maxSub);
    if (from < to) cuts.push([from, to]);
  }
  if (cuts.length === 0) return column;
  cuts.sort((a, b) => a[0] - b[0]);
  const out = new Column(column.type, column.length);
  let next = 0;
  for (const [from, to] of cuts) {
    if (from > next) out.pushRange(column, next, from);
    next = Math.max(next, to);
  }
  if (next < column.length) out.pushRange(column, next, column.length);
  return out;
}

/** True when a sorted column has a point within `range`. */
export function hasPointIn(column: Column, range: SplitTimeRange): boolean {
  return lowerBound(column, range.minMs, range.minSub) < upperBound(column, range.maxMs, range.maxSub);
}

function clip(column: Column, range: SplitTimeRange | undefined): Column {
  if (range === undefined) return column;
  const from = lowerBound(column, range.minMs, range.minSub);
  const to = upperBound(column, range.maxMs, range.maxSub);
  if (from === 0 && to === column.length) return column;
  return column.slice(from, to);
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
