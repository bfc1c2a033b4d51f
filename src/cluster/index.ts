/**
 * The shard router: where each series of each database and retention policy lives. Adapters and the
 * query planner reach storage only through `ShardRouter`, so that a cluster changes the router, not them.
 */
export { emptyScanReport, type MsRange, type Namespace, type SeriesSet, type RetentionPolicies, type RouterStats, type ScanReport, type ShardRouter } from './router.ts';
export { LocalRouter, MAX_SHARDS, shardIndex, validateDatabaseName, type LocalRouterOptions } from './local.ts';
export { DatabaseNotFoundError, InvalidDatabaseNameError, PointsBeyondRetentionError, RetentionPolicyNotFoundError } from './errors.ts';
export {
  DEFAULT_RETENTION_POLICY,
  InvalidRetentionPolicyError,
  RetentionPolicyConflictError,
  defaultShardDuration,
  type RetentionPolicy,
  type RetentionPolicyChanges,
  type RetentionPolicySpec,
} from './retention.ts';
