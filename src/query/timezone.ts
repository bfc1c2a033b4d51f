/**
 * Time zones of InfluxQL `tz('Area/City')`, from Node's Intl (IANA data shipped with Node; no
 * dependency): a zone's UTC offset at an instant, and RFC3339 times written in a zone as influxd
 * writes them (`2024-01-01T01:00:00+01:00`, `Z` when the offset is zero, nanoseconds trimmed).
 *
 * GROUP BY time under tz() uses the zone's offset at the start of the query range for the whole
 * grid (measurement.ts): buckets then start at local boundaries (`time(1d)` at local midnight).
 * Known difference: influxd re-reads the offset per bucket, so around a DST change its buckets of
 * intervals longer than the change are 23 h or 25 h long; here they stay uniform.
 */
import { formatRfc3339Nano, timestampMillis, type Timestamp } from '../core/index.ts';

const NANOS_PER_MINUTE = 60_000_000_000n;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    if (formatters.size > 64) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's UTC offset at `t`, in minutes east of UTC (Europe/Paris in January: 60). */
export function zoneOffsetMinutes(zone: string, t: Timestamp): number {
  const ms = Math.min(Math.max(timestampMillis(t), -8.64e15), 8.64e15);
  const name = formatter(zone).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):?(\d{2})?$/.exec(name);
  if (m === null) return 0; // 'GMT': UTC itself
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

/** The zone's UTC offset at `t`, in ns. */
export function zoneOffsetNanos(zone: string, t: Timestamp): bigint {
  return BigInt(zoneOffsetMinutes(zone, t)) * NANOS_PER_MINUTE;
}

/** `ts` in RFC3339 with nanoseconds (trailing zeros trimmed), in the zone's local time and offset, as influxd prints times under tz(). */
export function formatInZone(ts: Timestamp, zone: string): string {
  const minutes = zoneOffsetMinutes(zone, ts);
  const local = formatRfc3339Nano(ts + BigInt(minutes) * NANOS_PER_MINUTE);
  if (minutes === 0) return local;
  const abs = Math.abs(minutes);
  const offset = `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, -1)}${offset}`;
}
