import type { RangeWindow } from './window.ts';

/**
 * rate, increase and delta: the change over the window, extrapolated towards the window's
 * boundaries (Prometheus's `extrapolatedRate`). Needs two samples.
 *
 * Extrapolation assumes regular scrapes: a gap to a boundary of up to 1.1 average intervals is
 * taken as the series covering the whole window and is extrapolated in full; a longer gap means the
 * series starts or ends inside the window, so only half an average interval is added. A counter is
 * never extrapolated below zero: the start is cut at the point where the slope reaches zero.
 */
export function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ms, values, from, to } = w;
  const last = to - 1;
  if (last - from < 1) return undefined;

  const firstT = ms[from];
  const lastT = ms[last];
  const firstV = values[from];
  let result = values[last] - firstV;
  if (isCounter && (w.drops === undefined || w.drops[from + 1]! < to)) {
    // A drop means the counter restarted from zero: everything it had counted before still counts.
    let prev = firstV;
    for (let i = from + 1; i <= last; i++) {
      const cur = values[i];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }

  let durationToStart = (firstT - w.startMs) / 1000;
  let durationToEnd = (w.endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (last - from);
  const threshold = averageInterval * 1.1;

  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;

  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= goDurationSeconds(w.endMs - w.startMs);
  return result * factor;
}

/**
 * irate and idelta: the change between the last two samples (Prometheus's `instantValue`). For
 * irate a drop is a counter reset, so the last value itself is the increase since the reset.
 */
export function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { ms, values, to } = w;
  if (to - w.from < 2) return undefined;
  const interval = ms[to - 1] - ms[to - 2];
  if (interval === 0) return undefined;
  const cur = values[to - 1];
  const prev = values[to - 2];
  // `!(cur < prev)` rather than `cur >= prev`: a NaN must give NaN, not the raw value.
  let result = cur;
  if (!isRate || !(cur < prev)) result = cur - prev;
  return isRate ? result / (interval / 1000) : result;
}

/** changes: how often the value differs from the previous one (two NaNs in a row are no change). */
export function changes(w: RangeWindow): number | undefined {
  return countPairs(w, (prev, cur) => cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev)));
}

/** resets: how often the value drops below the previous one. */
export function resets(w: RangeWindow): number | undefined {
  return countPairs(w, (prev, cur) => cur < prev);
}

/** How many consecutive pairs of the window's values `counts` accepts; undefined for an empty window. */
function countPairs(w: RangeWindow, counts: (prev: number, cur: number) => boolean): number | undefined {
  const { values, from, to } = w;
  if (to <= from) return undefined;
  let count = 0;
  for (let i = from + 1; i < to; i++) if (counts(values[i - 1]!, values[i]!)) count++;
  return count;
}

/**
 * A millisecond duration in seconds, rounded as Go's `time.Duration.Seconds` rounds it (whole
 * seconds plus the fraction), so a range like 1001ms divides exactly as in Prometheus.
 */
function goDurationSeconds(durationMs: number): number {
  const whole = Math.trunc(durationMs / 1000);
  return whole + ((durationMs - whole * 1000) * 1e6) / 1e9;
}
