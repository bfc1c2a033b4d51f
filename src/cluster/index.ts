/**
 * The shard router: where each series of each database lives. Adapters and the query planner reach
 * storage only through `ShardRouter`, so that a cluster changes the router, not them.
 */
export { emptyScanReport, type RouterStats, type ScanReport, type ShardRouter } from './router.ts';
export { LocalRouter, MAX_SHARDS, shardIndex, type LocalRouterOptions } from './local.ts';
export { DatabaseNotFoundError, InvalidDatabaseNameError, RetentionPolicyNotFoundError } from './errors.ts';

/** The retention policy every database has, as in InfluxDB. */
export const DEFAULT_RETENTION_POLICY = 'autogen';
