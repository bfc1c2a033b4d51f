/**
 * The metric metadata (type, help, unit) remote write senders report, per database, persisted in
 * `<data dir>/prometheus-metadata.json` for `/api/v1/metadata`.
 *
 * It is written a few seconds after it changes rather than before the write is acknowledged:
 * metadata is advisory, and senders send all of it again every minute (Prometheus's
 * `metadata_config.send_interval`), so a crash costs at most that minute's changes.
 */
import type { Logger } from '../../core/index.ts';
import { mkdirDurable, NodeFs, readFileIfExists, writeFileAtomic, type Fs } from '../../storage/index.ts';
import type { MetricMetadata } from '../../protocol/prometheus/index.ts';

export const METADATA_FILE = 'prometheus-metadata.json';
const FLUSH_DELAY_MS = 5_000;

interface Storage {
  readonly fs: Fs;
  readonly dir: string;
  readonly logger: Logger;
}

export class MetadataStore {
  private readonly databases = new Map<string, Map<string, MetricMetadata>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(private readonly storage: Storage | undefined) {}

  /** A store that keeps nothing on disk (tests, embedded use). */
  static inMemory(): MetadataStore {
    return new MetadataStore(undefined);
  }

  /** Loads `dir/prometheus-metadata.json` (none when missing). @throws Error naming what is wrong in the file */
  static async open(dir: string, logger: Logger, fs: Fs = new NodeFs()): Promise<MetadataStore> {
    const store = new MetadataStore({ fs, dir, logger });
    const bytes = await readFileIfExists(fs, `${dir}/${METADATA_FILE}`);
    if (bytes === undefined) return store;
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { databases?: Record<string, MetricMetadata[]> };
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.databases !== 'object') throw new Error(`${METADATA_FILE}: expected {"databases": {...}}`);
    for (const [database, entries] of Object.entries(parsed.databases ?? {})) {
      if (!Array.isArray(entries)) throw new Error(`${METADATA_FILE}: databases.${database}: expected a list`);
      store.databases.set(database, new Map(entries.map((e) => [e.metric, e])));
    }
    return store;
  }

  /** Records what a write said about its metrics; a later report on a metric replaces the earlier one. */
  update(database: string, entries: readonly MetricMetadata[]): void {
    if (entries.length === 0) return;
    let metrics = this.databases.get(database);
    if (metrics === undefined) {
      metrics = new Map();
      this.databases.set(database, metrics);
    }
    let changed = false;
    for (const entry of entries) {
      const known = metrics.get(entry.metric);
      if (known !== undefined && known.type === entry.type && known.help === entry.help && known.unit === entry.unit) continue;
      metrics.set(entry.metric, entry);
      changed = true;
    }
    if (changed) this.scheduleFlush();
  }

  /** The metadata of a database's metrics, by metric name. */
  metrics(database: string): ReadonlyMap<string, MetricMetadata> {
    return this.databases.get(database) ?? new Map();
  }

  /** Writes what changed now, instead of in a few seconds. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const storage = this.storage;
    if (storage === undefined) return;
    const databases: Record<string, MetricMetadata[]> = {};
    for (const [database, metrics] of this.databases) databases[database] = [...metrics.values()];
    const bytes = Buffer.from(JSON.stringify({ databases }), 'utf8');
    // One write at a time, each with the state of when it started; a failed one does not stop the next.
    this.flushing = this.flushing.catch(() => {}).then(async () => {
      await mkdirDurable(storage.fs, storage.dir);
      await writeFileAtomic(storage.fs, storage.dir, METADATA_FILE, bytes);
    });
    await this.flushing;
  }

  /** Writes what changed; call before the process exits. */
  close(): Promise<void> {
    return this.flush();
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined || this.storage === undefined) return;
    const logger = this.storage.logger;
    this.timer = setTimeout(() => {
      this.flush().catch((err: unknown) => logger.error('cannot save Prometheus metric metadata', { error: err instanceof Error ? err.message : String(err) }));
    }, FLUSH_DELAY_MS);
    // Pending metadata must not keep a stopping process alive; close() writes it.
    this.timer.unref();
  }
}
