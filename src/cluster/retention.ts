import { formatGoDuration, RustsError } from '../core/index.ts';

/**
 * A retention policy: InfluxDB's namespace inside a database, with how long its points are kept.
 * Each policy has its own shards (engines), so dropping it or its expired partitions never touches
 * another policy's data.
 */
export interface RetentionPolicy {
  readonly name: string;
  /** How long points are kept, in ns; 0 keeps them forever (InfluxDB's `INF`). */
  readonly duration: bigint;
  /**
   * InfluxDB's shard group duration, in ns: what SHOW RETENTION POLICIES reports, and the widest a
   * partition of the policy's shards may be, so that expiry is at least as fine-grained as influxd's.
   */
  readonly shardDuration: bigint;
  /** Kept and reported for InfluxDB clients; a single node holds one copy. */
  readonly replication: number;
}

/** What CREATE RETENTION POLICY and CREATE DATABASE ... WITH say; unset parts take InfluxDB's defaults. */
export interface RetentionPolicySpec {
  readonly name: string;
  readonly duration?: bigint;
  readonly shardDuration?: bigint;
  readonly replication?: number;
}

/** What ALTER RETENTION POLICY changes; unset parts stay. */
export interface RetentionPolicyChanges {
  readonly duration?: bigint;
  readonly shardDuration?: bigint;
  readonly replication?: number;
  readonly makeDefault?: boolean;
}

/** The policy a database gets when its creation names none, as in InfluxDB. */
export const DEFAULT_RETENTION_POLICY = 'autogen';

const HOUR = 3_600_000_000_000n;
const DAY = 24n * HOUR;
/** InfluxDB's lower bound for both a policy's duration (unless infinite) and its shard duration. */
const MIN_RETENTION_DURATION = HOUR;

/** A policy setting InfluxDB refuses; the messages are influxd's, which clients and scripts match on. */
export class InvalidRetentionPolicyError extends RustsError {
  constructor(message: string) {
    super('invalid_retention_policy', message);
  }
}

/** A create that would change an existing policy or database default (InfluxDB's wording). */
export class RetentionPolicyConflictError extends RustsError {
  constructor(message: 'retention policy already exists' | 'retention policy conflicts with an existing policy') {
    super('retention_policy_conflict', message);
  }
}

/** The shard duration InfluxDB picks for a policy that names none: wider for longer-lived data. */
export function defaultShardDuration(duration: bigint): bigint {
  if (duration > 0n && duration < 2n * DAY) return HOUR;
  if (duration > 0n && duration < 180n * DAY) return DAY;
  return 7n * DAY;
}

/** A spec with InfluxDB's defaults and bounds applied. @throws InvalidRetentionPolicyError */
export function resolvePolicy(spec: RetentionPolicySpec): RetentionPolicy {
  return checkedPolicy({
    name: spec.name,
    duration: spec.duration ?? 0n,
    shardDuration: spec.shardDuration ?? 0n,
    replication: spec.replication ?? 1,
  });
}

/** `policy` with `changes` applied and checked. @throws InvalidRetentionPolicyError */
export function alteredPolicy(policy: RetentionPolicy, changes: RetentionPolicyChanges): RetentionPolicy {
  return checkedPolicy({
    name: policy.name,
    duration: changes.duration ?? policy.duration,
    shardDuration: changes.shardDuration ?? policy.shardDuration,
    replication: changes.replication ?? policy.replication,
  });
}

/** A shard duration of 0 means "pick one"; one under an hour is raised to an hour, as influxd does. */
function checkedPolicy(p: RetentionPolicy): RetentionPolicy {
  if (p.duration < 0n || (p.duration > 0n && p.duration < MIN_RETENTION_DURATION)) {
    throw new InvalidRetentionPolicyError(`retention policy duration must be at least ${formatGoDuration(MIN_RETENTION_DURATION)}`);
  }
  if (!Number.isInteger(p.replication) || p.replication < 1) throw new InvalidRetentionPolicyError('replication factor must be at least 1');
  let shardDuration = p.shardDuration === 0n ? defaultShardDuration(p.duration) : p.shardDuration;
  if (shardDuration < MIN_RETENTION_DURATION) shardDuration = MIN_RETENTION_DURATION;
  if (p.duration > 0n && p.duration < shardDuration) throw new InvalidRetentionPolicyError('retention policy duration must be greater than the shard duration');
  return { ...p, shardDuration };
}

export function samePolicy(a: RetentionPolicy, b: RetentionPolicy): boolean {
  return a.name === b.name && a.duration === b.duration && a.shardDuration === b.shardDuration && a.replication === b.replication;
}
