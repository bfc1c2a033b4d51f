import { join } from 'node:path';
import { WriteBatch, type FieldType, type Logger, type RustsError } from '../core/index.ts';
import type { Matcher, RoaringBitmap32 } from '../index/index.ts';
import {
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
import { DatabaseNotFoundError, InvalidDatabaseNameError } from './errors.ts';
import type { RouterStats, ShardRouter } from './router.ts';

const DATABASES_DIR = 'databases';
const META_FILE = 'database.json';
const MAX_NAME_LENGTH = 255;
export const MAX_SHARDS = 256;

export interface LocalRouterOptions {
  readonly dataDir: string;
  /** Shards of a new database; an existing one keeps the count it was created with (its series are placed by it). */
  readonly shards: number;
  readonly engine?: Partial<Omit<EngineOptions, 'dataDir'>>;
}

/** What `database.json` holds. The name is stored because directory names are an encoding of it. */
interface DatabaseMeta {
  readonly name: string;
  readonly shards: number;
}

class Database {
  constructor(
    readonly meta: DatabaseMeta,
    readonly dir: string,
    readonly shards: readonly StorageEngine[],
  ) {}

  shardOf(seriesKey: string): StorageEngine {
    return this.shards.length === 1 ? this.shards[0]! : this.shards[shardIndex(seriesKey, this.shards.length)]!;
  }
}

/**
 * The single-node shard router: every database is a directory under `<dataDir>/databases/` with one
 * storage engine per shard, and a series always lives in the shard its key hashes to. A cluster
 * router will place shards on other nodes; callers only see `ShardRouter`.
 */
export class LocalRouter implements ShardRouter {
  private readonly databasesByName = new Map<string, Database>();
  /** Creates and drops run one at a time, so two requests creating one database open it once. */
  private metaQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly options: LocalRouterOptions,
    private readonly fs: Fs,
    private readonly logger: Logger,
  ) {}

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
    const shards: StorageEngine[] = [];
    try {
      for (let i = 0; i < meta.shards; i++) {
        shards.push(await StorageEngine.open({ ...this.options.engine, dataDir: join(dir, String(i)) }, { logger: this.logger, fs: this.fs }));
      }
    } catch (err) {
      await Promise.all(shards.map((s) => s.close()));
      throw err;
    }
    return new Database(meta, dir, shards);
  }

  databases(): readonly string[] {
    return [...this.databasesByName.keys()].sort();
  }

  hasDatabase(name: string): boolean {
    return this.databasesByName.has(name);
  }

  async createDatabase(name: string): Promise<void> {
    validateDatabaseName(name);
    await this.serialize(async () => {
      this.checkOpen();
      if (this.databasesByName.has(name)) return;
      const dir = join(this.databasesDir(), encodeDirName(name));
      // Leftovers of a drop or create that a crash cut short hold no acknowledged data of a live
      // database, but must not come back as the new database's contents.
      if (await this.fs.exists(dir)) await this.fs.removeAll(dir);
      await mkdirDurable(this.fs, dir);
      const meta: DatabaseMeta = { name, shards: this.options.shards };
      // Engines first, metadata last: a directory without metadata is ignored at start-up.
      const shards: StorageEngine[] = [];
      for (let i = 0; i < meta.shards; i++) {
        shards.push(await StorageEngine.open({ ...this.options.engine, dataDir: join(dir, String(i)) }, { logger: this.logger, fs: this.fs }));
      }
      await writeFileAtomic(this.fs, dir, META_FILE, new TextEncoder().encode(`${JSON.stringify(meta)}\n`));
      this.databasesByName.set(name, new Database(meta, dir, shards));
      this.logger.info('database created', { database: name, shards: meta.shards });
    });
  }

  dropDatabase(name: string): Promise<boolean> {
    return this.serialize(async () => {
      this.checkOpen();
      const db = this.databasesByName.get(name);
      if (db === undefined) return false;
      this.databasesByName.delete(name);
      await Promise.all(db.shards.map((s) => s.close()));
      // Metadata first: if the removal is cut short, start-up ignores what is left.
      await this.fs.unlink(join(db.dir, META_FILE));
      await this.fs.syncDir(db.dir);
      await this.fs.removeAll(db.dir);
      this.logger.info('database dropped', { database: name });
      return true;
    });
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

  async write(database: string, batch: WriteBatch): Promise<WriteResult> {
    const db = this.database(database);
    if (db.shards.length === 1) return db.shards[0]!.write(batch);
    const parts = new Map<StorageEngine, WriteBatch>();
    for (const series of batch.series) {
      const shard = db.shardOf(series.key);
      let part = parts.get(shard);
      if (part === undefined) parts.set(shard, (part = new WriteBatch()));
      part.seriesByKey(series.key, series.measurement, series.tags).fields.push(...series.fields);
    }
    const results = await Promise.all([...parts].map(([shard, part]) => shard.write(part)));
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

  async *select(database: string, request: SelectRequest, report?: ScanReport): AsyncGenerator<SeriesData> {
    // Shards hold disjoint series, so their streams are simply concatenated.
    for (const shard of this.database(database).shards) yield* shard.select(request, report);
  }

  async deleteSeries(database: string, matchers: readonly Matcher[]): Promise<number> {
    const counts = await Promise.all(this.database(database).shards.map((s) => s.deleteSeries(matchers)));
    return counts.reduce((a, b) => a + b, 0);
  }

  measurements(database: string): readonly string[] {
    return mergeSorted(this.database(database).shards.map((s) => s.seriesIndex.measurements()));
  }

  fieldsOf(database: string, measurement: string): ReadonlyMap<string, FieldType> {
    const shards = this.database(database).shards;
    if (shards.length === 1) return shards[0]!.fieldsOf(measurement);
    // A field's type is fixed per shard (InfluxDB's rule); across shards the first one seen is reported.
    const fields = new Map<string, FieldType>();
    for (const shard of shards) for (const [name, type] of shard.fieldsOf(measurement)) if (!fields.has(name)) fields.set(name, type);
    return new Map([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  tagKeys(database: string, matchers: readonly Matcher[]): readonly string[] {
    return mergeSorted(this.database(database).shards.map((s) => s.seriesIndex.tagKeys(selectRefs(s, matchers))));
  }

  tagValues(database: string, key: string, matchers: readonly Matcher[]): readonly string[] {
    return mergeSorted(this.database(database).shards.map((s) => s.seriesIndex.tagValues(key, selectRefs(s, matchers))));
  }

  seriesKeys(database: string, matchers: readonly Matcher[]): readonly string[] {
    const keys: string[] = [];
    for (const shard of this.database(database).shards) {
      const index = shard.seriesIndex;
      for (const ref of index.select(matchers)) {
        const key = index.keyOf(ref);
        if (key !== undefined) keys.push(key);
      }
    }
    return keys.sort();
  }

  async stats(): Promise<RouterStats> {
    const databases = [];
    for (const name of this.databases()) {
      const db = this.databasesByName.get(name);
      if (db !== undefined) databases.push({ name, shards: await Promise.all(db.shards.map((s) => s.stats())) });
    }
    return { databases };
  }

  /** Closes every engine (each flushes its MemTable). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.metaQueue;
    const all = [...this.databasesByName.values()].flatMap((db) => db.shards);
    this.databasesByName.clear();
    const results = await Promise.allSettled(all.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the router is closed');
  }
}

/** With no matchers, every series: `SeriesIndex.select` already treats an empty list that way. */
function selectRefs(shard: StorageEngine, matchers: readonly Matcher[]): RoaringBitmap32 | undefined {
  return matchers.length === 0 ? undefined : shard.seriesIndex.select(matchers);
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

function validateDatabaseName(name: string): void {
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
  const meta = value as Partial<DatabaseMeta> | undefined;
  if (typeof meta?.name !== 'string' || !Number.isInteger(meta.shards) || (meta.shards ?? 0) < 1 || (meta.shards ?? 0) > MAX_SHARDS) {
    throw new Error(`${join(dir, META_FILE)} is not valid database metadata`);
  }
  return { name: meta.name, shards: meta.shards! };
}

