import Koa from 'koa';
import { Router } from '@koa/router';
import type { Logger } from '../core/index.ts';
import type { StorageEngine } from '../storage/index.ts';
import { errorMiddleware } from './errors.ts';
import { VERSION } from './version.ts';

/** What the HTTP API needs from the process that hosts it. */
export interface AppDeps {
  /** Open engine; the app never closes it (its owner does, after the HTTP server has stopped). */
  readonly engine: StorageEngine;
  readonly logger: Logger;
}

/** The body of `GET /health`, in the shape InfluxDB 1.8+ answers, so its clients' health checks work as is. */
export interface HealthBody {
  readonly name: 'rusts';
  readonly message: string;
  readonly status: 'pass' | 'fail';
  readonly checks: readonly never[];
  readonly version: string;
}

/** Build the Koa application that serves the RusTs HTTP API; mount it with `http.createServer(app.callback())`. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Errors that escape the middleware chain (e.g. a failing response stream) would otherwise be
  // printed as plain text to stderr, outside the JSON log.
  app.on('error', (err: unknown) => {
    deps.logger.error('http error', { error: err instanceof Error ? err.message : String(err) });
  });

  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = {
      name: 'rusts',
      message: 'ready for queries and writes',
      status: 'pass',
      checks: [],
      version: VERSION,
    } satisfies HealthBody;
  });

  app.use(errorMiddleware(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
