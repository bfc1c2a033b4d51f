/** The Prometheus API's parameter formats, read as Prometheus reads them, with its error wording. */
import { PromqlBadDataError } from '../../query/index.ts';
import { parseDurationMs } from '../../query/index.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** The texts Prometheus's clients send for "no lower / upper bound" (Go's time formatting of its min and max times). */
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';
const MIN_TIME_MS = -9223372036854;
const MAX_TIME_MS = 9223372036854;

/** A timestamp as Prometheus reads one, float seconds or RFC 3339, in milliseconds; undefined when it is neither. */
function timestampMs(text: string): number | undefined {
  const seconds = Number(text);
  if (text.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && Number.isFinite(seconds)) {
    const whole = Math.trunc(seconds);
    return whole * 1000 + Math.round((seconds - whole) * 1000);
  }
  if (RFC3339.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  if (text === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (text === MAX_TIME_TEXT) return MAX_TIME_MS;
  return undefined;
}

/** `start` or `end` of /query_range, in milliseconds. */
export function parseTime(name: string, text: string): number {
  const ms = timestampMs(text);
  if (ms === undefined) throw new PromqlBadDataError(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  return ms;
}

/**
 * A timestamp parameter of the other endpoints (`time`, and `start` and `end` of /series, /labels
 * and the rest), in milliseconds. Prometheus reads these through another function, whose errors
 * also say "invalid time value for '<name>'" (lower case as in Prometheus 3, "Invalid" in 2.x).
 */
export function parseTimeParam(name: string, text: string): number {
  const ms = timestampMs(text);
  if (ms === undefined) throw new PromqlBadDataError(`invalid parameter "${name}": invalid time value for '${name}': cannot parse "${text}" to a valid timestamp`);
  return ms;
}

/** A duration parameter (`step`, `timeout`, `lookback_delta`): float seconds or a Prometheus duration; milliseconds. */
export function parseDurationParam(name: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new PromqlBadDataError(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  return ms;
}
