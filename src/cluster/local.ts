import { join } from 'node:path';
import { WriteBatch, type FieldType, type TimeRange, type Logger, type RustsError, type SampleRows, type SeriesList } from '../core/index.ts';
import { RoaringBitmap32, type Matcher, type ReadonlyRoaringBitmap32 } from '../index/index.ts';
import {
  BlockCache,
  DEFAULT_ENGINE_OPTIONS,
  NodeFs,
  StorageEngine,
  mkdirDurable,
  readFileIfExists,
  writeFileAtomic,
  type EngineOptions,
  type Fs,
  type ScanReport,
  type SelectRequest,
  type SeriesData,
  type WriteResult,
} from '../storage/index.ts';
import { DatabaseNotFoundError, InvalidDatabaseNameError, PointsBeyondRetentionError, RetentionPolicyNotFoundError } from './errors.ts';
import {
  alteredPolicy,
  DEFAULT_RETENTION_POLICY,
  resolvePolicy,
  RetentionPolicyConflictError,
  samePolicy,
  type RetentionPolicy,
  type RetentionPolicyChanges,
  type RetentionPolicySpec,
} from './retention.ts';
import type { MsRange, Namespace, RetentionPolicies, RouterStats, SeriesSet, ShardRouter } from './router.ts';

const DATABASES_DIR = 'databases';
const META_FILE = 'database.json';
const POLICIES_DIR = 'rp';
const MAX_NAME_LENGTH = 255;
export const MAX_SHARDS = 256;

export interface LocalRouterOptions {
  readonly dataDir: string;
  /** Shards of a new database; an existing one keeps the count it was created with (its series are placed by it). */
  readonly shards: number;
  readonly engine?: Partial<Omit<EngineOptions, 'dataDir'>>;
}

/** A policy as `database.json` holds it: durations as decimal ns strings (JSON has no bigint). */
interface PolicyMeta {
  readonly name: string;
  readonly duration: string;
  readonly shardDuration: string;
  readonly replication: number;
  /** Directory of the policy's shards, relative to the database's ('' for the policy of a database made before policies existed). */
  readonly dir: string;
}

/** What `database.json` holds. The name is stored because directory names are an encoding of it. */
interface DatabaseMeta {
  readonly name: string;
  /** Creation order among the databases of the data directory: InfluxDB lists databases so. */
  readonly order: number;
  readonly shards: number;
  readonly defaultPolicy: string;
  readonly policies: readonly PolicyMeta[];
}

class Policy {
  readonly policy: RetentionPolicy;

  constructor(
    readonly meta: PolicyMeta,
    readonly shards: readonly StorageEngine[],
  ) {
    this.policy = { name: meta.name, duration: BigInt(meta.duration), shardDuration: BigInt(meta.shardDuration), replication: meta.replication };
  }

  shardOf(seriesKey: string): StorageEngine {
    return this.shards.length === 1 ? this.shards[0]! : this.shards[shardIndex(seriesKey, this.shards.length)]!;
  }
}

class Database {
  constructor(
    public meta: DatabaseMeta,
    readonly dir: string,
    /** In creation order, as `meta.policies`. */
    readonly policies: Map<string, Policy>,
  ) {}

  policy(name: string | undefined): Policy {
    const wanted = name === undefined || name === '' ? this.meta.defaultPolicy : name;
    const policy = this.policies.get(wanted);
    if (policy === undefined) throw new RetentionPolicyNotFoundError(wanted);
    return policy;
  }

  engines(): StorageEngine[] {
    return [...this.policies.values()].flatMap((p) => p.shards);
  }
}

/**
 * The single-node shard router: every database is a directory under `<dataDir>/databases/`, every
 * retention policy of it a directory of one storage engine per shard, and a series always lives in
 * the shard its key hashes to. A cluster router will place shards on other nodes; callers only see
 * `ShardRouter`.
 */
export class LocalRouter implements ShardRouter {
  private readonly databasesByName = new Map<string, Database>();
  /** One block cache for every engine: `block_cache_size` bounds the server, however many databases, policies and shards it has. */
  private readonly cache: BlockCache;
  /** Creates and drops of databases and policies run one at a time, so two requests creating one database open it once. */
  private metaQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly options: LocalRouterOptions,
    private readonly fs: Fs,
    private readonly logger: Logger,
  ) {
    this.cache = new BlockCache(options.engine?.blockCacheBytes ?? DEFAULT_ENGINE_OPTIONS.blockCacheBytes);
  }

  /** Opens every database found in `options.dataDir` (replaying their WALs). */
  static async open(options: LocalRouterOptions, deps: { logger: Logger; fs?: Fs }): Promise<LocalRouter> {
    if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > MAX_SHARDS) {
      throw new RangeError(`shards must be an integer in [1, ${MAX_SHARDS}], got ${options.shards}`);
    }
    const router = new LocalRouter(options, deps.fs ?? new NodeFs(), deps.logger);
    const root = router.databasesDir();
    await mkdirDurable(router.fs, root);
    try {
      for (const entry of (await router.fs.readdir(root)).sort()) {
        const db = await router.openDatabase(join(root, entry));
        if (db !== undefined) router.databasesByName.set(db.meta.name, db);
      }
    } catch (err) {
      await router.close();
      throw err;
    }
    return router;
  }

  private databasesDir(): string {
    return join(this.options.dataDir, DATABASES_DIR);
  }

  private async openDatabase(dir: string): Promise<Database | undefined> {
    const bytes = await readFileIfExists(this.fs, join(dir, META_FILE));
    if (bytes === undefined) {
      // A create that crashed before its metadata was durable: it never acknowledged anything.
      this.logger.warn('ignoring a database directory without metadata', { dir });
      return undefined;
    }
    const meta = parseMeta(bytes, dir);
    const policies = new Map<string, Policy>();
    try {
      for (const p of meta.policies) policies.set(p.name, await this.openPolicy(dir, meta.shards, p));
      await this.removeStrayPolicyDirs(dir, meta);
    } catch (err) {
      await Promise.all([...policies.values()].flatMap((p) => p.shards.map((s) => s.close())));
      throw err;
    }
    return new Database(meta, dir, policies);
  }

  private async openPolicy(databaseDir: string, shardCount: number, meta: PolicyMeta): Promise<Policy> {
    const dir = join(databaseDir, meta.dir);
    // A partition never spans more than the policy's shard duration, so expiry drops what influxd would.
    const shardMs = Number(BigInt(meta.shardDuration) / 1_000_000n);
    const partitionDurationMs = Math.min(this.options.engine?.partitionDurationMs ?? DEFAULT_ENGINE_OPTIONS.partitionDurationMs, shardMs);
    const shards: StorageEngine[] = [];
    try {
      for (let i = 0; i < shardCount; i++) {
        shards.push(await StorageEngine.open({ ...this.options.engine, partitionDurationMs, dataDir: join(dir, String(i)) }, { logger: this.logger, fs: this.fs, cache: this.cache }));
      }
    } catch (err) {
      await Promise.all(shards.map((s) => s.close()));
      throw err;
    }
    return new Policy(meta, shards);
  }

  /** Policy directories no policy owns: left by a drop or create that a crash cut short. */
  private async removeStrayPolicyDirs(databaseDir: string, meta: DatabaseMeta): Promise<void> {
    const root = join(databaseDir, POLICIES_DIR);
    if (!(await this.fs.exists(root))) return;
    const owned = new Set(meta.policies.map((p) => p.dir));
    for (const entry of await this.fs.readdir(root)) {
      if (!owned.has(join(POLICIES_DIR, entry))) await this.fs.removeAll(join(root, entry));
    }
  }

  databases(): readonly string[] {
    return [...this.databasesByName.values()].sort((a, b) => a.meta.order - b.meta.order || (a.meta.name < b.meta.name ? -1 : 1)).map((db) => db.meta.name);
  }

  hasDatabase(name: string): boolean {
    return this.databasesByName.has(name);
  }

  async createDatabase(name: string, spec?: RetentionPolicySpec): Promise<void> {
    validateDatabaseName(name);
    const wanted = resolvePolicy(spec ?? { name: DEFAULT_RETENTION_POLICY });
    await this.serialize(async () => {
      this.checkOpen();
      const existing = this.databasesByName.get(name);
      if (existing !== undefined) {
        const current = existing.policies.get(wanted.name)?.policy;
        const matches = current !== undefined && samePolicy(current, wanted) && existing.meta.defaultPolicy === wanted.name;
        if (spec !== undefined && !matches) throw new RetentionPolicyConflictError('retention policy conflicts with an existing policy');
        return;
      }
      const dir = join(this.databasesDir(), encodeDirName(name));
      // Leftovers of a drop or create that a crash cut short hold no acknowledged data of a live
      // database, but must not come back as the new database's contents.
      if (await this.fs.exists(dir)) await this.fs.removeAll(dir);
      const policyMeta = newPolicyMeta(wanted);
      const order = Math.max(0, ...[...this.databasesByName.values()].map((db) => db.meta.order)) + 1;
      const meta: DatabaseMeta = { name, order, shards: this.options.shards, defaultPolicy: wanted.name, policies: [policyMeta] };
      // Engines first (opening one creates its directories, durably), metadata last: a directory
      // without metadata is ignored at start-up.
      const policy = await this.openPolicy(dir, meta.shards, policyMeta);
      await this.saveMeta(dir, meta);
      this.databasesByName.set(name, new Database(meta, dir, new Map([[policy.meta.name, policy]])));
      this.logger.info('database created', { database: name, shards: meta.shards, retentionPolicy: wanted.name });
    });
  }

  dropDatabase(name: string): Promise<boolean> {
    return this.serialize(async () => {
      this.checkOpen();
      const db = this.databasesByName.get(name);
      if (db === undefined) return false;
      this.databasesByName.delete(name);
      await Promise.all(db.engines().map((s) => s.close()));
      // Metadata first: if the removal is cut short, start-up ignores what is left.
      await this.fs.unlink(join(db.dir, META_FILE));
      await this.fs.syncDir(db.dir);
      await this.fs.removeAll(db.dir);
      this.logger.info('database dropped', { database: name });
      return true;
    });
  }

  retentionPolicies(database: string): RetentionPolicies {
    const db = this.database(database);
    return { policies: [...db.policies.values()].map((p) => p.policy), defaultPolicy: db.meta.defaultPolicy };
  }

  async createRetentionPolicy(database: string, spec: RetentionPolicySpec, makeDefault: boolean): Promise<void> {
    const wanted = resolvePolicy(spec);
    await this.serialize(async () => {
      this.checkOpen();
      const db = this.database(database);
      const current = db.policies.get(wanted.name);
      if (current !== undefined) {
        if (!samePolicy(current.policy, wanted)) throw new RetentionPolicyConflictError('retention policy already exists');
        if (makeDefault && db.meta.defaultPolicy !== wanted.name) throw new RetentionPolicyConflictError('retention policy conflicts with an existing policy');
        return;
      }
      const policyMeta = newPolicyMeta(wanted);
      const leftover = join(db.dir, policyMeta.dir);
      if (await this.fs.exists(leftover)) await this.fs.removeAll(leftover);
      const policy = await this.openPolicy(db.dir, db.meta.shards, policyMeta);
      const meta: DatabaseMeta = { ...db.meta, policies: [...db.meta.policies, policyMeta], defaultPolicy: makeDefault ? wanted.name : db.meta.defaultPolicy };
      try {
        await this.saveMeta(db.dir, meta);
      } catch (err) {
        await Promise.all(policy.shards.map((s) => s.close()));
        throw err;
      }
      db.meta = meta;
      db.policies.set(wanted.name, policy);
      this.logger.info('retention policy created', { database, retentionPolicy: wanted.name });
    });
  }

  async alterRetentionPolicy(database: string, name: string, changes: RetentionPolicyChanges): Promise<void> {
    await this.serialize(async () => {
      this.checkOpen();
      const db = this.database(database);
      const current = db.policies.get(name);
      if (current === undefined) throw new RetentionPolicyNotFoundError(name);
      const altered = alteredPolicy(current.policy, changes);
      // A new shard duration shapes the partitions the policy's engines open from the next start.
      const policyMeta: PolicyMeta = { ...current.meta, ...policyFields(altered) };
      const meta: DatabaseMeta = {
        ...db.meta,
        policies: db.meta.policies.map((p) => (p.name === name ? policyMeta : p)),
        defaultPolicy: changes.makeDefault === true ? name : db.meta.defaultPolicy,
      };
      await this.saveMeta(db.dir, meta);
      db.meta = meta;
      db.policies.set(name, new Policy(policyMeta, current.shards));
    });
  }

  dropRetentionPolicy(database: string, name: string): Promise<boolean> {
    return this.serialize(async () => {
      this.checkOpen();
      const db = this.database(database);
      const policy = db.policies.get(name);
      if (policy === undefined) return false;
      // The default stays named, as in InfluxDB: writes and reads without a policy fail until one is made default.
      const meta: DatabaseMeta = { ...db.meta, policies: db.meta.policies.filter((p) => p.name !== name) };
      await this.saveMeta(db.dir, meta);
      db.meta = meta;
      db.policies.delete(name);
      await Promise.all(policy.shards.map((s) => s.close()));
      await this.fs.removeAll(join(db.dir, policy.meta.dir));
      this.logger.info('retention policy dropped', { database, retentionPolicy: name });
      return true;
    });
  }

  async applyRetention(now: bigint): Promise<number> {
    let dropped = 0;
    for (const db of [...this.databasesByName.values()]) {
      for (const policy of [...db.policies.values()]) {
        if (policy.policy.duration === 0n) continue;
        const cutoff = now - policy.policy.duration;
        for (const shard of policy.shards) dropped += await shard.dropPartitionsBefore(cutoff);
      }
    }
    return dropped;
  }

  private async saveMeta(dir: string, meta: DatabaseMeta): Promise<void> {
    await writeFileAtomic(this.fs, dir, META_FILE, new TextEncoder().encode(`${JSON.stringify(meta)}\n`));
  }

  private serialize<T>(job: () => Promise<T>): Promise<T> {
    const run = this.metaQueue.then(job, job);
    this.metaQueue = run.catch(() => undefined);
    return run;
  }

  private database(name: string): Database {
    const db = this.databasesByName.get(name);
    if (db === undefined) throw new DatabaseNotFoundError(name);
    return db;
  }

  async write(namespace: Namespace, input: WriteBatch): Promise<WriteResult> {
    const policy = this.database(namespace.database).policy(namespace.retentionPolicy);
    let batch = input;
    let expired = 0;
    if (policy.policy.duration > 0n) {
      const cutoffMs = Date.now() - Number(policy.policy.duration / 1_000_000n);
      ({ kept: batch, dropped: expired } = dropPointsBefore(input, cutoffMs));
    }
    const result = await this.writeToShards(policy, batch);
    if (expired === 0) return result;
    // InfluxDB reports the points it would not keep first, as a partial write.
    return { written: result.written, dropped: result.dropped + expired, errors: [new PointsBeyondRetentionError(), ...result.errors] };
  }

  async writeRows(namespace: Namespace, field: string, input: SampleRows, series: SeriesList): Promise<WriteResult> {
    const policy = this.database(namespace.database).policy(namespace.retentionPolicy);
    let rows = input;
    if (policy.policy.duration > 0n) {
      const cutoffMs = Date.now() - Number(policy.policy.duration / 1_000_000n);
      rows = input.filter((i) => input.ms[i]! >= cutoffMs);
    }
    const expired = input.length - rows.length;
    const result = await this.writeRowsToShards(policy, field, rows, series);
    if (expired === 0) return result;
    return { written: result.written, dropped: result.dropped + expired, errors: [new PointsBeyondRetentionError(), ...result.errors] };
  }

  private async writeRowsToShards(policy: Policy, field: string, rows: SampleRows, series: SeriesList): Promise<WriteResult> {
    if (rows.length === 0) return { written: 0, dropped: 0, errors: [] };
    if (policy.shards.length === 1) return policy.shards[0]!.writeRows(field, rows, series);
    // Each row's shard, found once: each shard's filter below reads every row twice.
    const shardOfSeries = new Map<number, number>();
    const shardOfRow = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const id = rows.series[i]!;
      let shard = shardOfSeries.get(id);
      if (shard === undefined) shardOfSeries.set(id, (shard = shardIndex(series[id]!.key, policy.shards.length)));
      shardOfRow[i] = shard;
    }
    const parts = policy.shards.map((shard, s) => shard.writeRows(field, rows.filter((i) => shardOfRow[i] === s), series));
    return mergeResults(await Promise.all(parts));
  }

  private async writeToShards(policy: Policy, batch: WriteBatch): Promise<WriteResult> {
    if (batch.series.length === 0) return { written: 0, dropped: 0, errors: [] };
    if (policy.shards.length === 1) return policy.shards[0]!.write(batch);
    const parts = new Map<StorageEngine, WriteBatch>();
    for (const series of batch.series) {
      const shard = policy.shardOf(series.key);
      let part = parts.get(shard);
      if (part === undefined) parts.set(shard, (part = new WriteBatch()));
      part.addNewSeries(series.key, series.measurement, series.tags, series.keyBytes).fields.push(...series.fields);
    }
    return mergeResults(await Promise.all([...parts].map(([shard, part]) => shard.write(part))));
  }

  async *select(namespace: Namespace, request: SelectRequest, report?: ScanReport): AsyncGenerator<SeriesData> {
    // Shards hold disjoint series, so their streams are simply concatenated.
    for (const shard of this.database(namespace.database).policy(namespace.retentionPolicy).shards) yield* shard.select(request, report);
  }

  async deleteSeries(database: string, matchers: readonly Matcher[], range?: TimeRange): Promise<number> {
    const counts = await Promise.all(this.database(database).engines().map((s) => s.deleteSeries(matchers, range)));
    return counts.reduce((a, b) => a + b, 0);
  }

  measurements(database: string): readonly string[] {
    return mergeSorted(this.database(database).engines().map((s) => s.seriesIndex.measurements()));
  }

  fieldsOf(namespace: Namespace, measurement: string): ReadonlyMap<string, FieldType> {
    const shards = this.database(namespace.database).policy(namespace.retentionPolicy).shards;
    if (shards.length === 1) return shards[0]!.fieldsOf(measurement);
    // A field's type is fixed per shard (InfluxDB's rule); across shards the first one seen is reported.
    const fields = new Map<string, FieldType>();
    for (const shard of shards) for (const [name, type] of shard.fieldsOf(measurement)) if (!fields.has(name)) fields.set(name, type);
    return new Map([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  tagKeys(database: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[] {
    return mergeSorted(this.database(database).engines().map((s) => s.seriesIndex.tagKeys(selectRefs(s, matchers, within))));
  }

  tagValues(database: string, key: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[] {
    return mergeSorted(this.database(database).engines().map((s) => s.seriesIndex.tagValues(key, selectRefs(s, matchers, within))));
  }

  seriesKeys(database: string, matchers: readonly Matcher[], within?: SeriesSet): readonly string[] {
    const keys: string[] = [];
    for (const shard of this.database(database).engines()) {
      const index = shard.seriesIndex;
      for (const ref of selectRefs(shard, matchers, within) ?? index.select(matchers)) {
        const key = index.keyOf(ref);
        if (key !== undefined) keys.push(key);
      }
    }
    // A series written under two policies is one series to InfluxDB's per-database index.
    return [...new Set(keys)].sort();
  }

  seriesWithin(database: string, range: MsRange): SeriesSet {
    const byShard = new Map(this.database(database).engines().map((shard) => [shard, shard.seriesWithin(range.minMs, range.maxMs)]));
    return { refsIn: (shard) => byShard.get(shard) ?? new RoaringBitmap32() };
  }

  async stats(): Promise<RouterStats> {
    const databases = [];
    for (const name of this.databases()) {
      const db = this.databasesByName.get(name);
      if (db !== undefined) databases.push({ name, shards: await Promise.all(db.engines().map((s) => s.stats())) });
    }
    return { databases };
  }

  /** Closes every engine (each flushes its MemTable). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.metaQueue;
    const all = [...this.databasesByName.values()].flatMap((db) => db.engines());
    this.databasesByName.clear();
    const results = await Promise.allSettled(all.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the router is closed');
  }
}

function policyFields(p: RetentionPolicy): Omit<PolicyMeta, 'dir'> {
  return { name: p.name, duration: p.duration.toString(), shardDuration: p.shardDuration.toString(), replication: p.replication };
}

function newPolicyMeta(p: RetentionPolicy): PolicyMeta {
  return { ...policyFields(p), dir: join(POLICIES_DIR, encodeDirName(p.name)) };
}

/**
 * The batch without the points before `cutoffMs`, and how many points (distinct times of a series)
 * went: InfluxDB counts dropped points, not field values.
 */
function dropPointsBefore(batch: WriteBatch, cutoffMs: number): { kept: WriteBatch; dropped: number } {
  // The usual write has nothing to drop: one read-only pass, and no copy of the batch.
  if (!batch.series.some((s) => s.fields.some(({ column }) => column.hasPointBefore(cutoffMs)))) return { kept: batch, dropped: 0 };
  const kept = new WriteBatch();
  let dropped = 0;
  for (const series of batch.series) {
    const droppedTimes = new Set<string>();
    for (const { name, column } of series.fields) {
      const out = column.filter((ms, sub) => {
        if (ms >= cutoffMs) return true;
        droppedTimes.add(`${ms}:${sub}`);
        return false;
      });
      if (out.length > 0) kept.seriesByKey(series.key, series.measurement, series.tags).fields.push({ name, column: out });
    }
    dropped += droppedTimes.size;
  }
  return { kept, dropped };
}

function mergeResults(results: readonly WriteResult[]): WriteResult {
  let written = 0;
  let dropped = 0;
  const errors: RustsError[] = [];
  for (const r of results) {
    written += r.written;
    dropped += r.dropped;
    errors.push(...r.errors);
  }
  return { written, dropped, errors };
}

/**
 * The refs of the series matching `matchers` and in `within`; undefined for every series (no
 * matchers and no `within`: `SeriesIndex.select` already treats an empty list that way).
 */
function selectRefs(shard: StorageEngine, matchers: readonly Matcher[], within?: SeriesSet): ReadonlyRoaringBitmap32 | undefined {
  const matching = matchers.length === 0 ? undefined : shard.seriesIndex.select(matchers);
  if (within === undefined) return matching;
  return matching === undefined ? within.refsIn(shard) : RoaringBitmap32.and(matching, within.refsIn(shard));
}

function mergeSorted(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 1) return [...lists[0]!];
  return [...new Set(lists.flat())].sort();
}

/** FNV-1a over the key's UTF-16 code units: stable across versions, which placement needs, and cheap. */
export function shardIndex(seriesKey: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seriesKey.length; i++) h = Math.imul(h ^ seriesKey.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/** @throws InvalidDatabaseNameError for a name no database can have */
export function validateDatabaseName(name: string): void {
  if (name.length === 0) throw new InvalidDatabaseNameError(name, 'it is empty');
  if (name.length > MAX_NAME_LENGTH) throw new InvalidDatabaseNameError(name, `it is longer than ${MAX_NAME_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InvalidDatabaseNameError(name, 'it contains control characters');
}

/** Any name maps to a safe, distinct directory name: no separators, no `.`/`..`. */
function encodeDirName(name: string): string {
  return encodeURIComponent(name).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function parseMeta(bytes: Uint8Array, dir: string): DatabaseMeta {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    value = undefined;
  }
  const bad = () => new Error(`${join(dir, META_FILE)} is not valid database metadata`);
  const meta = value as Partial<DatabaseMeta> | undefined;
  if (typeof meta?.name !== 'string' || !Number.isInteger(meta.shards) || (meta.shards ?? 0) < 1 || (meta.shards ?? 0) > MAX_SHARDS) throw bad();
  if (meta.policies === undefined) {
    // Written before retention policies existed: its one policy is autogen, whose shards sit in the database directory.
    const autogen = resolvePolicy({ name: DEFAULT_RETENTION_POLICY });
    return { name: meta.name, order: 0, shards: meta.shards!, defaultPolicy: autogen.name, policies: [{ ...policyFields(autogen), dir: '' }] };
  }
  const policiesOk =
    Array.isArray(meta.policies) &&
    typeof meta.defaultPolicy === 'string' &&
    meta.policies.every((p) => typeof p?.name === 'string' && /^\d+$/.test(String(p.duration)) && /^\d+$/.test(String(p.shardDuration)) && Number.isInteger(p.replication) && typeof p.dir === 'string');
  if (!policiesOk || !Number.isInteger(meta.order)) throw bad();
  return meta as DatabaseMeta;
}
