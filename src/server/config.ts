import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { RustsError } from '../core/index.ts';
import { DEFAULT_ENGINE_OPTIONS, MAX_BLOCK_POINTS, type EngineOptions, type WalDurability } from '../storage/index.ts';
import { MAX_SHARDS, validateDatabaseName } from '../cluster/index.ts';
import { DEFAULT_AUTH_CONFIG, parsePasswordHash, parseTokenHash, type AuthConfig, type AuthToken, type AuthUser, type Permission } from '../api/auth/index.ts';
import { DEFAULT_LIMITS, type LimitsConfig } from '../api/limits/index.ts';
import { DEFAULT_PROMETHEUS_CONFIG, type PrometheusConfig } from '../api/prometheus/index.ts';
import { parseDuration, parseSize } from './units.ts';

export const DEFAULT_BIND = '127.0.0.1:8086';
export const DEFAULT_DATA_DIR = './data';
// Enough to keep bodies parsing while the main thread writes; more only compete with it for cores.
const MAX_DEFAULT_PARSE_WORKERS = 4;
export const MAX_PARSE_WORKERS = 64;

/** One parse worker per core beside the main thread's, at least one, at most four. */
export function defaultParseWorkers(): number {
  return Math.min(MAX_DEFAULT_PARSE_WORKERS, Math.max(1, availableParallelism() - 1));
}

/** One shard per database: on a single node more shards only add WALs to fsync (each shard is its own engine). */
export const DEFAULT_SHARDS = 1;
/** Used when `wal_durability = "periodic"` and no `wal_sync_interval` is given. */
export const DEFAULT_WAL_SYNC_INTERVAL_MS = 100;

/** Where the HTTP server listens. An empty host means every interface. */
export interface BindAddress {
  readonly host: string;
  readonly port: number;
}

/** Every storage engine option except the data directory, which the server config holds on its own. */
export type StorageOptions = Omit<EngineOptions, 'dataDir'>;

/** The complete, validated configuration of one `rusts serve` process. */
export interface ServerConfig {
  readonly bind: BindAddress;
  /** Absolute path: relative paths are resolved against the working directory when loading. */
  readonly dataDir: string;
  readonly storage: StorageOptions;
  /** Shards of each new database (`[storage] shards`); an existing database keeps its own count. */
  readonly shards: number;
  /** Worker threads that decode line protocol and remote write bodies (`[ingest] parse_workers`); 0 decodes on the main thread. */
  readonly parseWorkers: number;
  /** `[ingest] auto_create_databases`: a write to an unknown database creates it (else 404, as InfluxDB). */
  readonly autoCreateDatabases: boolean;
  /** `[auth]`: off unless the file turns it on. */
  readonly auth: AuthConfig;
  /** `[limits]`: request rate, body sizes, query bounds. */
  readonly limits: LimitsConfig;
  /** `[retention]`: how often expired partitions of retention policies are dropped. */
  readonly retention: RetentionConfig;
  /** `[query] warm_up`: run a scratch workload at start so the first real queries are not slow. */
  readonly warmUp: boolean;
  /** `[prometheus]`: remote write and remote read. */
  readonly prometheus: PrometheusConfig;
  /** The config file that was read, as given on the command line, or null. */
  readonly configFile: string | null;
}

export interface RetentionConfig {
  /** Whether expired data is dropped at all (InfluxDB's `[retention] enabled`). */
  readonly enabled: boolean;
  readonly checkIntervalMs: number;
}

/** InfluxDB's defaults: enforced, checked every 30 minutes. */
export const DEFAULT_RETENTION_CONFIG: RetentionConfig = { enabled: true, checkIntervalMs: 30 * 60 * 1000 };

/** Settings given on the command line; they win over the environment, the file and the defaults. */
export interface ConfigOverrides {
  readonly configFile?: string;
  readonly bind?: string;
  readonly dataDir?: string;
}

/** A configuration mistake by the user: the message names the source (file, variable or flag) and the key. */
export class ConfigError extends RustsError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/**
 * Build the server config from, in increasing precedence: defaults, the TOML file named by
 * `overrides.configFile`, the environment (`RUSTS_BIND`, `RUSTS_DATA_DIR`), and `overrides`.
 *
 * Relative paths (the config file, the data directory) are resolved against `cwd`.
 * @throws ConfigError for anything the user can fix: an unreadable file, bad TOML, an unknown key, a bad value
 */
export function loadConfig(
  overrides: ConfigOverrides,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): ServerConfig {
  const file = overrides.configFile === undefined ? {} : readConfigFile(overrides.configFile, cwd);
  const fromEnv = layerOf('environment variable', { bind: nonEmpty(env['RUSTS_BIND']), dataDir: nonEmpty(env['RUSTS_DATA_DIR']) }, {
    bind: 'RUSTS_BIND',
    dataDir: 'RUSTS_DATA_DIR',
  });
  const fromFlags = layerOf('flag', overrides, { bind: '--bind', dataDir: '--data-dir' });
  return {
    bind: fromFlags.bind ?? fromEnv.bind ?? file.bind ?? parseBind(DEFAULT_BIND),
    dataDir: resolve(cwd, fromFlags.dataDir ?? fromEnv.dataDir ?? file.dataDir ?? DEFAULT_DATA_DIR),
    storage: { ...DEFAULT_ENGINE_OPTIONS, ...file.storage },
    shards: file.shards ?? DEFAULT_SHARDS,
    parseWorkers: file.ingest?.parseWorkers ?? defaultParseWorkers(),
    autoCreateDatabases: file.ingest?.autoCreateDatabases ?? true,
    auth: file.auth ?? DEFAULT_AUTH_CONFIG,
    limits: { ...DEFAULT_LIMITS, ...file.limits },
    retention: { ...DEFAULT_RETENTION_CONFIG, ...file.retention },
    warmUp: file.query?.warmUp ?? true,
    prometheus: { ...DEFAULT_PROMETHEUS_CONFIG, ...file.prometheus },
    configFile: overrides.configFile ?? null,
  };
}

/**
 * Parse `HOST:PORT` (`[::1]:8086` for IPv6; `:8086` for every interface). Port 0 lets the OS choose.
 * @throws RangeError naming the input
 */
export function parseBind(text: string): BindAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  if (match === null) {
    throw new RangeError(`cannot parse address "${text}": expected HOST:PORT, e.g. "127.0.0.1:8086", "[::1]:8086" or ":8086"`);
  }
  const port = Number(match[3]);
  if (port > 65535) throw new RangeError(`port ${port} in "${text}" is out of range 0-65535`);
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Format a bind address the way `parseBind` reads it. */
export function formatBind(bind: BindAddress): string {
  return bind.host.includes(':') ? `[${bind.host}]:${bind.port}` : `${bind.host}:${bind.port}`;
}

interface Layer {
  bind?: BindAddress;
  dataDir?: string;
  storage?: Partial<StorageOptions>;
  auth?: AuthConfig;
  limits?: Partial<LimitsConfig>;
  shards?: number;
  ingest?: Partial<IngestConfig>;
  retention?: Partial<RetentionConfig>;
  query?: Partial<QueryConfig>;
  prometheus?: Partial<PrometheusConfig>;
}

function nonEmpty(value: string | undefined): string | undefined {
  // A variable set to "" is how shells and compose files spell "not set".
  return value === '' ? undefined : value;
}

function layerOf(kind: string, values: { bind?: string | undefined; dataDir?: string | undefined }, names: { bind: string; dataDir: string }): Layer {
  const { bind, dataDir } = values;
  const layer: Layer = {};
  if (bind !== undefined) layer.bind = orFail(`Invalid ${kind} ${names.bind}`, () => parseBind(bind));
  if (dataDir !== undefined) layer.dataDir = orFail(`Invalid ${kind} ${names.dataDir}`, () => directoryValue(dataDir));
  return layer;
}

/** `parse()`, with its RangeError or TypeError (a bad value) turned into a ConfigError naming `context`. */
function orFail<T>(context: string, parse: () => T): T {
  return prefixed(context, parse, (message) => new ConfigError(message));
}

/**
 * `parse()`, with the message of its RangeError or TypeError (a bad value) prefixed by `context`;
 * other errors are bugs and pass unchanged.
 */
function prefixed<T>(context: string, parse: () => T, wrap: (message: string) => Error): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw wrap(`${context}: ${err.message}`);
    throw err;
  }
}

function readConfigFile(path: string, cwd: string): Layer {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file "${path}": ${fsReason(err)}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) throw new ConfigError(`Invalid config file "${path}": ${tomlReason(err)}`);
    throw err;
  }
  return orFail(`Invalid config file "${path}"`, () => fileLayer(doc));
}

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return err instanceof Error ? err.message : String(err);
}

function tomlReason(err: TomlError): string {
  // smol-toml's message is "Invalid TOML document: <reason>" followed by a code frame; keep both,
  // minus the redundant prefix, and say where.
  const [first = '', ...frame] = err.message.split('\n');
  const reason = first.replace(/^Invalid TOML document: /, '');
  return `line ${err.line}, column ${err.column}: ${reason}\n${frame.join('\n')}`.trimEnd();
}

const TOP_LEVEL_KEYS = ['bind', 'data_dir', 'storage', 'ingest', 'query', 'auth', 'limits', 'retention', 'prometheus'];

function fileLayer(doc: Record<string, unknown>): Layer {
  const layer: Layer = {};
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'bind':
        layer.bind = keyed(key, () => parseBind(stringValue(value, '"HOST:PORT"')));
        break;
      case 'data_dir':
        layer.dataDir = keyed(key, () => directoryValue(value));
        break;
      case 'storage': {
        const { shards, ...storage } = isTable(value) ? value : {};
        layer.storage = storageLayer(isTable(value) ? storage : value);
        if (shards !== undefined) layer.shards = keyed('storage.shards', () => countValue(shards, 1, MAX_SHARDS));
        break;
      }
      case 'ingest':
        layer.ingest = sectionLayer('ingest', value, INGEST_KEYS);
        break;
      case 'auth':
        layer.auth = authLayer(value);
        break;
      case 'limits':
        layer.limits = limitsLayer(value);
        break;
      case 'retention':
        layer.retention = sectionLayer('retention', value, RETENTION_KEYS);
        break;
      case 'query':
        layer.query = sectionLayer('query', value, QUERY_KEYS);
        break;
      case 'prometheus':
        layer.prometheus = sectionLayer('prometheus', value, PROMETHEUS_KEYS);
        break;
      default:
        throw new RangeError(`unknown key "${key}"; known top-level keys: ${TOP_LEVEL_KEYS.join(', ')}`);
    }
  }
  return layer;
}

type NumericOption = Exclude<keyof StorageOptions, 'walDurability'>;

const NUMERIC_STORAGE_KEYS: Readonly<Record<string, { option: NumericOption; parse: (value: unknown) => number }>> = {
  wal_segment_size: { option: 'walSegmentBytes', parse: sizeValue },
  partition_duration: { option: 'partitionDurationMs', parse: durationValue },
  memtable_max_size: { option: 'memtableMaxBytes', parse: sizeValue },
  memtable_max_points: { option: 'memtableMaxPoints', parse: (value) => countValue(value, 1) },
  memtable_max_age: { option: 'memtableMaxAgeMs', parse: durationValue },
  // A block holds at most MAX_BLOCK_POINTS points (docs/format/block.md).
  max_points_per_block: { option: 'maxPointsPerBlock', parse: (value) => countValue(value, 1, MAX_BLOCK_POINTS) },
  // Compacting a partition that has a single segment would rewrite it for nothing.
  compaction_min_segments: { option: 'compactionMinSegments', parse: (value) => countValue(value, 2) },
  block_cache_size: { option: 'blockCacheBytes', parse: sizeValue },
};

const WAL_MODES: readonly WalDurability['mode'][] = ['every-write', 'periodic', 'os-default', 'none'];
const STORAGE_KEYS = ['shards', 'wal_durability', 'wal_sync_interval', ...Object.keys(NUMERIC_STORAGE_KEYS)];

function storageLayer(table: unknown): Partial<StorageOptions> {
  if (!isTable(table)) throw new TypeError(`storage: expected a table ([storage]), got ${describe(table)}`);
  const options: { -readonly [K in keyof StorageOptions]?: StorageOptions[K] } = {};
  let mode: WalDurability['mode'] | undefined;
  let syncIntervalMs: number | undefined;
  for (const [key, value] of Object.entries(table)) {
    const name = `storage.${key}`;
    const numeric = NUMERIC_STORAGE_KEYS[key];
    if (numeric !== undefined) {
      options[numeric.option] = keyed(name, () => numeric.parse(value));
    } else if (key === 'wal_durability') {
      mode = keyed(name, () => walModeValue(value));
    } else if (key === 'wal_sync_interval') {
      syncIntervalMs = keyed(name, () => durationValue(value));
    } else {
      throw new RangeError(`unknown key "${name}"; known keys in [storage]: ${STORAGE_KEYS.join(', ')}`);
    }
  }
  if (syncIntervalMs !== undefined && mode !== 'periodic') {
    // An interval that silently does nothing would let someone believe their WAL is synced on a timer.
    throw new RangeError(`storage.wal_sync_interval: only applies with wal_durability = "periodic" (wal_durability is "${mode ?? DEFAULT_ENGINE_OPTIONS.walDurability.mode}")`);
  }
  if (mode === 'periodic') options.walDurability = { mode, intervalMs: syncIntervalMs ?? DEFAULT_WAL_SYNC_INTERVAL_MS };
  else if (mode !== undefined) options.walDurability = { mode };
  return options;
}

// ---- [auth] ----

const AUTH_KEYS = ['enabled', 'users', 'tokens'];
const PERMISSIONS: readonly Permission[] = ['read', 'write', 'all'];

function authLayer(table: unknown): AuthConfig {
  if (!isTable(table)) throw new TypeError(`auth: expected a table ([auth]), got ${describe(table)}`);
  let enabled = false;
  let users: AuthUser[] = [];
  let tokens: AuthToken[] = [];
  for (const [key, value] of Object.entries(table)) {
    const name = `auth.${key}`;
    if (key === 'enabled') enabled = keyed(name, () => booleanValue(value));
    else if (key === 'users') users = tablesValue(name, '[[auth.users]]', value).map(([entry, at]) => userEntry(entry, at));
    else if (key === 'tokens') tokens = tablesValue(name, '[[auth.tokens]]', value).map(([entry, at]) => tokenEntry(entry, at));
    else throw new RangeError(`unknown key "${name}"; known keys in [auth]: ${AUTH_KEYS.join(', ')}`);
  }
  uniqueNames('auth.users', users);
  uniqueNames('auth.tokens', tokens);
  // Auth on with nobody configured is InfluxDB's bootstrap state: the first admin is created with
  // `CREATE USER ... WITH ALL PRIVILEGES` (or comes from the users file in the data directory).
  return { enabled, users, tokens };
}

function userEntry(entry: Record<string, unknown>, at: string): AuthUser {
  const fields = entryFields(entry, at, 'password_hash');
  if (fields.hash === undefined) throw new RangeError(`${at}.password_hash: missing; "rusts hash-password" prints one`);
  const passwordHash = keyed(`${at}.password_hash`, () => stringValue(fields.hash, '"scrypt:..."'));
  keyed(`${at}.password_hash`, () => parsePasswordHash(passwordHash));
  return { name: fields.name, passwordHash, admin: fields.admin, permissions: fields.permissions };
}

function tokenEntry(entry: Record<string, unknown>, at: string): AuthToken {
  const fields = entryFields(entry, at, 'token_hash');
  if (fields.hash === undefined) throw new RangeError(`${at}.token_hash: missing; "rusts hash-password --token" prints one`);
  const tokenHash = keyed(`${at}.token_hash`, () => stringValue(fields.hash, '"sha256:..."'));
  keyed(`${at}.token_hash`, () => parseTokenHash(tokenHash));
  return { name: fields.name, tokenHash, admin: fields.admin, permissions: fields.permissions };
}

/** The keys users and tokens share, and the raw value of their hash key. */
function entryFields(entry: Record<string, unknown>, at: string, hashKey: 'password_hash' | 'token_hash') {
  let name: string | undefined;
  let hash: unknown;
  let admin = false;
  let permissions: ReadonlyMap<string, Permission> = new Map();
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'name') name = keyed(`${at}.name`, () => principalName(value));
    else if (key === 'admin') admin = keyed(`${at}.admin`, () => booleanValue(value));
    else if (key === 'permissions') permissions = permissionsValue(value, `${at}.permissions`);
    else if (key === hashKey) hash = value;
    else throw new RangeError(`unknown key "${at}.${key}"; known keys: name, ${hashKey}, admin, permissions`);
  }
  if (name === undefined) throw new RangeError(`${at}.name: missing`);
  return { name, hash, admin, permissions };
}

function tablesValue(name: string, header: string, value: unknown): [Record<string, unknown>, string][] {
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an array of tables (${header}), got ${describe(value)}`);
  return value.map((entry: unknown, i) => {
    const at = `${name}[${i}]`;
    if (!isTable(entry)) throw new TypeError(`${at}: expected a table, got ${describe(entry)}`);
    return [entry, at];
  });
}

function principalName(value: unknown): string {
  const name = stringValue(value, 'a user or token name');
  if (name === '') throw new RangeError('must not be empty');
  // Basic auth separates the user from the password with the first ':'.
  if (name.includes(':')) throw new RangeError(`must not contain ":", got "${name}"`);
  if (/[\x00-\x1f\x7f]/.test(name)) throw new RangeError(`must not contain control characters, got ${JSON.stringify(name)}`);
  return name;
}

function permissionsValue(value: unknown, at: string): ReadonlyMap<string, Permission> {
  if (!isTable(value)) throw new TypeError(`${at}: expected a table of database = "read" | "write" | "all", got ${describe(value)}`);
  const permissions = new Map<string, Permission>();
  for (const [database, permission] of Object.entries(value)) {
    const key = `${at}.${/^[A-Za-z0-9_-]+$/.test(database) ? database : JSON.stringify(database)}`;
    if (database === '') throw new RangeError(`${key}: a database name must not be empty`);
    const text = keyed(key, () => stringValue(permission, PERMISSIONS.map((p) => `"${p}"`).join(' | ')));
    const known = PERMISSIONS.find((p) => p === text);
    if (known === undefined) throw new RangeError(`${key}: expected one of ${PERMISSIONS.map((p) => `"${p}"`).join(', ')}, got "${text}"`);
    permissions.set(database, known);
  }
  return permissions;
}

function uniqueNames(at: string, entries: readonly { name: string }[]): void {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (seen.has(name)) throw new RangeError(`${at}: the name "${name}" is used twice`);
    seen.add(name);
  }
}

// ---- sections of simple keys ----

/** A section's keys: the option each sets and how its value is read. */
type SectionKeys<T> = Readonly<Record<string, { readonly option: keyof T; readonly parse: (value: unknown) => T[keyof T] }>>;

/** A table of simple keys (`[limits]`, `[ingest]`, ...): each known key parsed, an unknown one named with the known ones. */
function sectionLayer<T>(section: string, table: unknown, keys: SectionKeys<T>): Partial<T> {
  if (!isTable(table)) throw new TypeError(`${section}: expected a table ([${section}]), got ${describe(table)}`);
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(table)) {
    const known = keys[key];
    if (known === undefined) throw new RangeError(`unknown key "${section}.${key}"; known keys in [${section}]: ${Object.keys(keys).join(', ')}`);
    out[known.option] = keyed(`${section}.${key}`, () => known.parse(value));
  }
  return out;
}

// ---- [limits] ----

const LIMITS_KEYS: SectionKeys<LimitsConfig> = {
  rate_limit_rps: { option: 'rateLimitRps', parse: rateValue },
  rate_limit_burst: { option: 'rateLimitBurst', parse: (value) => countValue(value, 0) },
  max_body_size: { option: 'maxBodyBytes', parse: sizeValue },
  max_decompressed_size: { option: 'maxDecompressedBytes', parse: sizeValue },
  query_timeout: { option: 'queryTimeoutMs', parse: durationValue },
  max_query_points: { option: 'maxQueryPoints', parse: (value) => countValue(value, 1) },
};

function limitsLayer(table: unknown): Partial<LimitsConfig> {
  const limits = sectionLayer('limits', table, LIMITS_KEYS);
  if ((limits.rateLimitBurst ?? 0) > 0 && (limits.rateLimitRps ?? 0) === 0) {
    // A burst that silently does nothing would let someone believe their server is rate limited.
    throw new RangeError('limits.rate_limit_burst: only applies when rate_limit_rps is above 0');
  }
  return limits;
}

function rateValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`expected a number of requests per second, got ${describe(value)}`);
  if (value < 0) throw new RangeError(`must be at least 0 (0 turns rate limiting off), got ${describe(value)}`);
  return value;
}

function booleanValue(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`expected true or false, got ${describe(value)}`);
  return value;
}

// ---- [ingest], [query], [retention] ----

type IngestConfig = { readonly parseWorkers: number; readonly autoCreateDatabases: boolean };

const INGEST_KEYS: SectionKeys<IngestConfig> = {
  parse_workers: { option: 'parseWorkers', parse: (value) => countValue(value, 0, MAX_PARSE_WORKERS) },
  auto_create_databases: { option: 'autoCreateDatabases', parse: booleanValue },
};

type QueryConfig = { readonly warmUp: boolean };

const QUERY_KEYS: SectionKeys<QueryConfig> = {
  warm_up: { option: 'warmUp', parse: booleanValue },
};

const PROMETHEUS_KEYS: SectionKeys<PrometheusConfig> = {
  database: { option: 'database', parse: databaseValue },
  max_labels_per_series: { option: 'maxLabelsPerSeries', parse: (value) => countValue(value, 1) },
  max_label_size: { option: 'maxLabelBytes', parse: sizeValue },
  remote_read_sample_limit: { option: 'readSampleLimit', parse: (value) => countValue(value, 1) },
  remote_read_max_frame_size: { option: 'readMaxBytesInFrame', parse: sizeValue },
  lookback_delta: { option: 'lookbackDeltaMs', parse: (value) => positive(durationValue(value)) },
  query_max_samples: { option: 'queryMaxSamples', parse: (value) => countValue(value, 1) },
  query_max_series: { option: 'queryMaxSeries', parse: (value) => countValue(value, 1) },
};

function positive(ms: number): number {
  if (ms <= 0) throw new RangeError(`must be more than 0, got ${ms} ms`);
  return ms;
}

const RETENTION_KEYS: SectionKeys<RetentionConfig> = {
  enabled: { option: 'enabled', parse: booleanValue },
  check_interval: { option: 'checkIntervalMs', parse: durationValue },
};

/** `parse()` of the value of `key`: its RangeError or TypeError names the key (orFail then adds the file). */
function keyed<T>(key: string, parse: () => T): T {
  return prefixed(key, parse, (message) => new RangeError(message));
}

function walModeValue(value: unknown): WalDurability['mode'] {
  const text = stringValue(value, WAL_MODES.map((m) => `"${m}"`).join(' | '));
  const mode = WAL_MODES.find((m) => m === text);
  if (mode === undefined) throw new RangeError(`expected one of ${WAL_MODES.map((m) => `"${m}"`).join(', ')}, got "${text}"`);
  return mode;
}

function durationValue(value: unknown): number {
  const ms = parseDuration(stringValue(value, 'a duration like "10s"'));
  if (ms < 1) throw new RangeError(`must be at least 1ms, got "${String(value)}"`);
  return ms;
}

function sizeValue(value: unknown): number {
  // A plain integer is unambiguous for a size (bytes), unlike for a duration.
  const bytes = typeof value === 'number' && Number.isSafeInteger(value) ? value : parseSize(stringValue(value, 'a size like "64MiB" or an integer number of bytes'));
  if (bytes < 1) throw new RangeError(`must be at least 1 byte, got ${describe(value)}`);
  return bytes;
}

function countValue(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`expected an integer, got ${describe(value)}`);
  if (value < min) throw new RangeError(`must be at least ${min}, got ${value}`);
  if (value > max) throw new RangeError(`must be at most ${max}, got ${value}`);
  return value;
}

function directoryValue(value: unknown): string {
  const dir = stringValue(value, 'a directory path');
  if (dir === '') throw new RangeError('must not be empty');
  if (dir.includes('\0')) throw new RangeError('must not contain a NUL character');
  return dir;
}

function stringValue(value: unknown, expected: string): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string (${expected}), got ${describe(value)}`);
  return value;
}

function databaseValue(value: unknown): string {
  const name = stringValue(value, 'a database name');
  try {
    validateDatabaseName(name);
  } catch (err) {
    throw new RangeError((err as Error).message);
  }
  return name;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `float ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (value instanceof Date) return 'a date-time';
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  return String(value);
}
