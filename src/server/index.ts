export {
  loadConfig,
  parseBind,
  formatBind,
  ConfigError,
  DEFAULT_BIND,
  DEFAULT_DATA_DIR,
  DEFAULT_WAL_SYNC_INTERVAL_MS,
  DEFAULT_RETENTION_CONFIG,
  type RetentionConfig,
  type BindAddress,
  type ConfigOverrides,
  type ServerConfig,
  type StorageOptions,
} from './config.ts';
export { parseCommandLine, UsageError, USAGE, type Command } from './cli.ts';
export { runHashPassword, type HashPasswordIo } from './hashPassword.ts';
export { startServer, StartupError, type RunningServer } from './server.ts';
export { parseDuration, parseSize } from './units.ts';
