/**
 * SELECT ... INTO: result rows back into points, as influxd writes them. Each row is a point at
 * the row's time; its non-null cells are the fields (so the tags a raw SELECT returns become
 * fields, unless GROUP BY made them the series' tags); the series' non-empty tags are the tags.
 */
import { batchOf, booleanValue, floatValue, integerValue, MAX_INT64, stringValue, unsignedValue, type FieldValue, type Point, type WriteBatch } from '../../core/index.ts';
import type { ResultSeries, ResultValue } from '../../query/index.ts';

/** The points of `series` under `measurement`, and how many rows they came from (influxd's `written`). */
export function intoBatch(series: readonly ResultSeries[], measurementOf: (source: ResultSeries) => string): { batch: WriteBatch; rows: number } {
  const points: Point[] = [];
  for (const s of series) {
    const measurement = measurementOf(s);
    const tags = Object.entries(s.tags)
      .filter(([, value]) => value !== '')
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const [timestamp, ...cells] of s.values) {
      const fields = [];
      for (let i = 0; i < cells.length; i++) {
        const name = s.columns[i + 1]!;
        const value = fieldValue(cells[i]!);
        if (value !== undefined && name !== 'time') fields.push({ key: name, value });
      }
      // A row without values (fill(null), a bucket without points) writes nothing.
      if (fields.length > 0) points.push({ measurement, tags, fields, timestamp });
    }
  }
  return { batch: batchOf(points), rows: points.length };
}

function fieldValue(cell: ResultValue): FieldValue | undefined {
  switch (typeof cell) {
    case 'number':
      return floatValue(cell);
    case 'bigint':
      return cell > MAX_INT64 ? unsignedValue(cell) : integerValue(cell);
    case 'string':
      return stringValue(cell);
    case 'boolean':
      return booleanValue(cell);
    default:
      return undefined;
  }
}
