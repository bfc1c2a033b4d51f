import { INFLUXQL_DURATION_UNITS, parseDurationNanos } from '../../core/index.ts';

/** Nanoseconds of an InfluxQL duration literal (`10s`, `1h30m`, `5u`, `5µ`, `100ms`, `1w`; no `us`); undefined when `text` is not one. */
export function parseDuration(text: string): bigint | undefined {
  return parseDurationNanos(text, INFLUXQL_DURATION_UNITS);
}
