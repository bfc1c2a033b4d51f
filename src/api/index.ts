export { createApp, type AppDeps, type HealthBody } from './app.ts';
export type { ErrorBody } from './errors.ts';
export { VERSION } from './version.ts';
