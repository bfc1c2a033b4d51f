import type { ResultValue } from '../query/index.ts';

/**
 * One result cell as JSON. Results are written by hand rather than with JSON.stringify because
 * int64 values and nanosecond times are bigints, which must reach the client as exact integers.
 */
export function jsonValue(v: ResultValue): string {
  switch (typeof v) {
    case 'number':
      // JSON has no NaN or infinities; InfluxDB's JSON leaves them out the same way.
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return 'null';
  }
}

/** `ts` in whole `unit`s (nanoseconds per unit), rounded down so that times before 1970 land in the unit that holds them. */
export function timeIn(ts: bigint, unit: bigint): bigint {
  const q = ts / unit;
  return ts < 0n && q * unit !== ts ? q - 1n : q;
}
