import type { FieldType, SampleRows, SeriesList, TimeRange, WriteBatch } from '../core/index.ts';
import type { Matcher, ReadonlyRoaringBitmap32 } from '../index/index.ts';
import type { EngineStats, ScanReport, SelectRequest, SeriesData, StorageEngine, WriteResult } from '../storage/index.ts';
import type { RetentionPolicy, RetentionPolicyChanges, RetentionPolicySpec } from './retention.ts';

export { emptyScanReport, type ScanReport } from '../storage/index.ts';

/** Where points are written and read: a database and one of its retention policies (its default one when unnamed). */
export interface Namespace {
  readonly database: string;
  readonly retentionPolicy?: string | undefined;
}

/** Milliseconds from `minMs` to `maxMs`, both included. */
export interface MsRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * The series of a database with points in a time range, to within a storage partition (see
 * ShardRouter.seriesWithin): worked out once for the several metadata calls of one request.
 */
export interface SeriesSet {
  /** The refs of the set in one of the database's shards. */
  refsIn(shard: StorageEngine): ReadonlyRoaringBitmap32;
}

/** A database's retention policies in creation order (InfluxDB lists them so), and its default one's name. */
export interface RetentionPolicies {
  readonly policies: readonly RetentionPolicy[];
  /** May name a policy that was dropped, as in InfluxDB: writes and reads without a policy then fail. */
  readonly defaultPolicy: string;
}

/**
 * Where every series of every database lives, and the only way adapters and the planner reach
 * storage. On a single node every shard is local; a cluster swaps the router, not its callers.
 */
export interface ShardRouter {
  /** Names of the databases that exist, in creation order (InfluxDB lists them so). */
  databases(): readonly string[];
  hasDatabase(name: string): boolean;
  /**
   * Creates the database if it does not exist (idempotent, like InfluxQL's CREATE DATABASE), with
   * `policy` (or `autogen`, kept forever) as its default retention policy.
   * @throws RetentionPolicyConflictError when it exists and `policy` is not its default policy as is
   */
  createDatabase(name: string, policy?: RetentionPolicySpec): Promise<void>;
  /** Removes a database with all its data; false when it did not exist. */
  dropDatabase(name: string): Promise<boolean>;

  retentionPolicies(database: string): RetentionPolicies;
  /** @throws RetentionPolicyConflictError, InvalidRetentionPolicyError */
  createRetentionPolicy(database: string, spec: RetentionPolicySpec, makeDefault: boolean): Promise<void>;
  /** @throws RetentionPolicyNotFoundError, InvalidRetentionPolicyError */
  alterRetentionPolicy(database: string, name: string, changes: RetentionPolicyChanges): Promise<void>;
  /** Removes a policy with its data; false when it did not exist. */
  dropRetentionPolicy(database: string, name: string): Promise<boolean>;
  /** Drops the partitions every policy with a finite duration no longer keeps at `now`; returns how many went. */
  applyRetention(now: bigint): Promise<number>;

  /**
   * Writes a batch into a namespace; the caller has checked that the database exists. Points older
   * than the policy keeps are dropped and reported, as InfluxDB does.
   * @throws RetentionPolicyNotFoundError
   */
  write(namespace: Namespace, batch: WriteBatch): Promise<WriteResult>;
  /**
   * Writes float rows of one field (see StorageEngine.writeRows) into a namespace, as `write` does.
   * The rows' arrays become the router's: they must not change afterwards.
   * @throws RetentionPolicyNotFoundError
   */
  writeRows(namespace: Namespace, field: string, rows: SampleRows, series: SeriesList): Promise<WriteResult>;
  /** Series matching the request from every shard of the namespace, one at a time. `report`, when given, is filled in as the scan goes. */
  select(namespace: Namespace, request: SelectRequest, report?: ScanReport): AsyncGenerator<SeriesData>;
  /** Deletes the points of matching series in every policy of the database, within `range` when given; returns the series touched. */
  deleteSeries(database: string, matchers: readonly Matcher[], range?: TimeRange): Promise<number>;

  /** Metadata, merged over shards and, except for field types, retention policies (as InfluxDB's index is per database). */
  measurements(database: string): readonly string[];
  /** Field types are per retention policy, as in InfluxDB. */
  fieldsOf(namespace: Namespace, measurement: string): ReadonlyMap<string, FieldType>;
  /** Of the series matching `matchers` (every series when empty), and in `within` when given. */
  tagKeys(database: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[];
  tagValues(database: string, key: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[];
  /** Canonical keys (`cpu,host=a`) of the series matching `matchers` (every series when empty), and in `within` when given, sorted. */
  seriesKeys(database: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[];
  /** The database's series with points in `range`, to within a storage partition (a day by default), for the calls above. */
  seriesWithin(database: string, range: MsRange): SeriesSet;

  stats(): Promise<RouterStats>;
  close(): Promise<void>;
}

export interface RouterStats {
  readonly databases: ReadonlyArray<{ readonly name: string; readonly shards: readonly EngineStats[] }>;
}
