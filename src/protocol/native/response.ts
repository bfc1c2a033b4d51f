import { formatRfc3339Nano, type Timestamp } from '../../core/index.ts';
import type { ResultSeries, ResultValue } from '../../query/index.ts';
import { EPOCH_NANOS, type Epoch } from './time.ts';

/**
 * `{"series":[...]}` for `POST /query`, written by hand rather than with JSON.stringify because
 * int64 values and nanosecond times are bigints, which must reach the client as exact integers.
 */
export function encodeSeriesJson(series: readonly ResultSeries[], epoch: Epoch | undefined): string {
  const parts: string[] = ['{"series":['];
  series.forEach((s, i) => {
    if (i > 0) parts.push(',');
    parts.push(`{"name":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"columns":${JSON.stringify(s.columns)},"values":[`);
    for (let r = 0; r < s.values.length; r++) {
      const row = s.values[r]!;
      let line = r > 0 ? ',[' : '[';
      line += formatTime(row[0], epoch);
      for (let c = 1; c < row.length; c++) line += `,${formatValue(row[c] as ResultValue)}`;
      parts.push(`${line}]`);
    }
    parts.push(']}');
  });
  parts.push(']}');
  return parts.join('');
}

function formatTime(ts: Timestamp, epoch: Epoch | undefined): string {
  if (epoch === undefined) return `"${formatRfc3339Nano(ts)}"`;
  const unit = EPOCH_NANOS[epoch];
  // Floor division, so that times before 1970 land in the unit that contains them.
  let q = ts / unit;
  if (ts < 0n && q * unit !== ts) q -= 1n;
  return q.toString();
}

function formatValue(v: ResultValue): string {
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
