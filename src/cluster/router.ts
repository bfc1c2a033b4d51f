import type { FieldType, WriteBatch } from '../core/index.ts';
import type { Matcher } from '../index/index.ts';
import type { EngineStats, ScanReport, SelectRequest, SeriesData, WriteResult } from '../storage/index.ts';

export { emptyScanReport, type ScanReport } from '../storage/index.ts';

/**
 * Where every series of every database lives, and the only way adapters and the planner reach
 * storage. On a single node every shard is local; a cluster swaps the router, not its callers.
 */
export interface ShardRouter {
  /** Names of the databases that exist, sorted. */
  databases(): readonly string[];
  hasDatabase(name: string): boolean;
  /** Creates the database if it does not exist (idempotent, like InfluxQL's CREATE DATABASE). */
  createDatabase(name: string): Promise<void>;
  /** Removes a database with all its data; false when it did not exist. */
  dropDatabase(name: string): Promise<boolean>;

  /** Writes a batch into a database; the caller has checked that it exists. */
  write(database: string, batch: WriteBatch): Promise<WriteResult>;
  /** Series matching the request from every shard of the database, one at a time. `report`, when given, is filled in as the scan goes. */
  select(database: string, request: SelectRequest, report?: ScanReport): AsyncGenerator<SeriesData>;
  deleteSeries(database: string, matchers: readonly Matcher[]): Promise<number>;

  /** Metadata, merged over shards (InfluxQL SHOW ..., Prometheus label APIs). */
  measurements(database: string): readonly string[];
  fieldsOf(database: string, measurement: string): ReadonlyMap<string, FieldType>;
  tagKeys(database: string, matchers: readonly Matcher[]): readonly string[];
  tagValues(database: string, key: string, matchers: readonly Matcher[]): readonly string[];
  /** Canonical keys (`cpu,host=a`) of the series matching `matchers` (every series when empty), sorted. */
  seriesKeys(database: string, matchers: readonly Matcher[]): readonly string[];

  stats(): Promise<RouterStats>;
  close(): Promise<void>;
}

export interface RouterStats {
  readonly databases: ReadonlyArray<{ readonly name: string; readonly shards: readonly EngineStats[] }>;
}
