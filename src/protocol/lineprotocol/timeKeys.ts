import { pointTimeKey, RustsError, WriteBatch, type Column } from '../../core/index.ts';

/** What withoutTimeKeys left out: points dropped, and influxd's reason for the first. */
export interface TimeKeysDropped {
  readonly batch: WriteBatch;
  readonly dropped: number;
  readonly error: RustsError | undefined;
}

const TIME = 'time';

/**
 * InfluxDB 1.x keeps "time" for InfluxQL's time column: a point with a `time` tag is dropped, a
 * `time` field is left out of its point, and a point with no other field is dropped, each with
 * influxd's reason. Written, such a key would answer `SELECT *` with two time columns.
 */
export function withoutTimeKeys(batch: WriteBatch): TimeKeysDropped {
  if (!batch.series.some((s) => s.tags.some((t) => t.key === TIME) || s.fields.some((f) => f.name === TIME))) return { batch, dropped: 0, error: undefined };
  const kept = new WriteBatch();
  let dropped = 0;
  let error: RustsError | undefined;
  for (const series of batch.series) {
    if (series.tags.some((t) => t.key === TIME)) {
      dropped += pointsOf(series.fields.map((f) => f.column));
      error ??= new RustsError('invalid_point', `invalid tag key: input tag "${TIME}" on measurement "${series.measurement}" is invalid`);
      continue;
    }
    const others = series.fields.filter((f) => f.name !== TIME);
    if (others.length < series.fields.length) {
      const withOthers = new Set(others.flatMap((f) => times(f.column)));
      const timeOnly = times(series.fields.find((f) => f.name === TIME)!.column).filter((t) => !withOthers.has(t));
      if (timeOnly.length > 0) {
        dropped += new Set(timeOnly).size;
        error ??= new RustsError('invalid_point', `invalid field name: input field "${TIME}" on measurement "${series.measurement}" is invalid`);
      }
    }
    if (others.length > 0) kept.seriesByKey(series.key, series.measurement, series.tags, series.keyBytes).fields.push(...others);
  }
  return { batch: kept, dropped, error };
}

/** The column's points, each by its time (see pointTimeKey). */
function times(column: Column): string[] {
  const out: string[] = [];
  for (let i = 0; i < column.length; i++) out.push(pointTimeKey(column.ms[i]!, column.sub[i]!));
  return out;
}

function pointsOf(columns: readonly Column[]): number {
  return new Set(columns.flatMap(times)).size;
}
