/**
 * The InfluxDB 1.x dialect: answers to `/query` in InfluxDB's JSON and CSV shapes. The routes live
 * in `src/api`; `/write` is shared with the native API (src/api/native.ts).
 */
export { DEFAULT_CHUNK_SIZE, encodeChunkedResults, encodeCsv, encodeResults, timeFormatter, toInfluxSeries, type InfluxSeries, type StatementResult } from './results.ts';
export { authorizeQuery, executeStatement, type StatementContext } from './statements.ts';
export type { Requirement } from './privileges.ts';
