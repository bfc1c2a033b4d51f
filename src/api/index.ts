export { createApp, type AppDeps, type HealthBody } from './app.ts';
export { UserStore, USERS_FILE } from './auth/index.ts';
export type { ErrorBody } from './errors.ts';
export { ServerState, type HttpCounters } from './state.ts';
export type { NativeApiOptions, PartialWriteBody } from './native.ts';
export { VERSION } from './version.ts';
export { DEFAULT_PROMETHEUS_CONFIG, MetadataStore, METADATA_FILE, type PrometheusConfig } from './prometheus/index.ts';
