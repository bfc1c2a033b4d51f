import { formatRfc3339Nano, type Timestamp } from '../../core/index.ts';
import type { ResultSeries, ResultValue } from '../../query/index.ts';
import { jsonValue, timeIn } from '../json.ts';
import { EPOCH_NANOS, type Epoch } from './time.ts';

/** `{"series":[...]}` for `POST /query` (see jsonValue for why by hand). */
export function encodeSeriesJson(series: readonly ResultSeries[], epoch: Epoch | undefined): string {
  const parts: string[] = ['{"series":['];
  series.forEach((s, i) => {
    if (i > 0) parts.push(',');
    parts.push(`{"name":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"columns":${JSON.stringify(s.columns)},"values":[`);
    for (let r = 0; r < s.values.length; r++) {
      const row = s.values[r]!;
      let line = r > 0 ? ',[' : '[';
      line += formatTime(row[0], epoch);
      for (let c = 1; c < row.length; c++) line += `,${jsonValue(row[c] as ResultValue)}`;
      parts.push(`${line}]`);
    }
    parts.push(']}');
  });
  parts.push(']}');
  return parts.join('');
}

function formatTime(ts: Timestamp, epoch: Epoch | undefined): string {
  return epoch === undefined ? `"${formatRfc3339Nano(ts)}"` : timeIn(ts, EPOCH_NANOS[epoch]).toString();
}
