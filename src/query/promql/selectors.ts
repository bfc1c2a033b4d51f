/**
 * Reading samples at evaluation times: an instant selector takes each series' newest sample in
 * the lookback window, a range selector every sample in its window. Windows are left-open,
 * (t - range, t], as in Prometheus 3.
 */
import type { SampleSeries, StepSeries } from './values.ts';

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** Prometheus's staleness marker: a NaN with the payload 2 (bits 0x7ff0000000000002). */
function isStaleMarker(value: number): boolean {
  if (value === value) return false;
  bits[0] = value;
  return words[0] === 2 && words[1] === 0x7ff00000;
}

/**
 * The series' value at each evaluation time (`times[i]`, already shifted by offset and @): its
 * newest sample in (t - lookback, t], absent when there is none or it is a staleness marker.
 * `sampleTimes`, when given, gets the time of the sample taken (for `timestamp()`).
 */
export function instantSeries(series: SampleSeries, times: Float64Array, lookbackMs: number, out: StepSeries, sampleTimes?: Float64Array): void {
  const { ms, values } = series;
  let next = 0; // first sample after the current time
  let ascending = true;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (i > 0 && t < times[i - 1]!) ascending = false;
    if (!ascending) next = 0;
    while (next < ms.length && ms[next]! <= t) next++;
    const last = next - 1;
    if (last < 0 || ms[last]! <= t - lookbackMs) continue;
    const v = values[last]!;
    if (isStaleMarker(v)) continue;
    out.values[i] = v;
    out.present[i] = 1;
    if (sampleTimes !== undefined) sampleTimes[i] = ms[last]!;
  }
}

/** The series without its staleness markers, which range vectors leave out. */
export function withoutStaleMarkers(series: SampleSeries): SampleSeries {
  let stale = 0;
  for (let i = 0; i < series.values.length; i++) if (isStaleMarker(series.values[i]!)) stale++;
  if (stale === 0) return series;
  const ms = new Float64Array(series.ms.length - stale);
  const values = new Float64Array(ms.length);
  let n = 0;
  for (let i = 0; i < series.values.length; i++) {
    if (isStaleMarker(series.values[i]!)) continue;
    ms[n] = series.ms[i]!;
    values[n++] = series.values[i]!;
  }
  return { labels: series.labels, ms, values };
}

/** Index bounds [from, to) of the samples in (endMs - rangeMs, endMs]. */
export function windowBounds(ms: Float64Array, endMs: number, rangeMs: number): [number, number] {
  return [firstAfter(ms, endMs - rangeMs), firstAfter(ms, endMs)];
}

/** The first index whose time is after `t` (binary search). */
function firstAfter(ms: Float64Array, t: number): number {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
