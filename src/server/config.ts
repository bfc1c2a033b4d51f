import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { RustsError } from '../core/index.ts';
import { DEFAULT_ENGINE_OPTIONS, MAX_BLOCK_POINTS, type EngineOptions, type WalDurability } from '../storage/index.ts';
import { parseDuration, parseSize } from './units.ts';

export const DEFAULT_BIND = '127.0.0.1:8086';
export const DEFAULT_DATA_DIR = './data';
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
  /** The config file that was read, as given on the command line, or null. */
  readonly configFile: string | null;
}

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

const TOP_LEVEL_KEYS = ['bind', 'data_dir', 'storage'];

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
      case 'storage':
        layer.storage = storageLayer(value);
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
const STORAGE_KEYS = ['wal_durability', 'wal_sync_interval', ...Object.keys(NUMERIC_STORAGE_KEYS)];

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
