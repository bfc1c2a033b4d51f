import type { Source } from './ast.ts';

/** The database the first source that names one names (`db.rp.m`, `db..m`): influxd reads one database per statement. */
export function namedDatabase(sources: readonly Source[]): string | undefined {
  for (const s of sources) if (s.kind !== 'subquery' && s.database !== undefined) return s.database;
  return undefined;
}
