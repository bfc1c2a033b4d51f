import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { AuthState } from './auth/index.ts';

/**
 * The InfluxDB version RusTs answers as. Clients read it (node-influx surfaces it, Grafana and
 * Telegraf log it); 1.8 is the 1.x API whose behaviour RusTs follows.
 */
export const INFLUXDB_VERSION = '1.8.10';
// InfluxDB truncates the copy of the error it puts in a header to this many bytes.
const MAX_ERROR_HEADER = 1024;

/**
 * The headers InfluxDB 1.x sets on every answer: its version and build, a request id (the
 * client's, or a new one), and on errors `X-Influxdb-Error` with the error text. Install it
 * outside the error middleware, so that it sees the rendered error.
 */
export function influxHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Influxdb-Version', INFLUXDB_VERSION);
    ctx.set('X-Influxdb-Build', 'OSS');
    const requestId = ctx.get('Request-Id') || ctx.get('X-Request-Id') || randomUUID();
    ctx.set('Request-Id', requestId);
    ctx.set('X-Request-Id', requestId);
    await next();
    const error = (ctx.body as { error?: unknown } | null | undefined)?.error;
    if (ctx.status >= 400 && typeof error === 'string') {
      // A header value holds printable ASCII only: the error quotes the client's bytes, and a
      // partial write lists one line error per line.
      ctx.set('X-Influxdb-Error', error.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_ERROR_HEADER));
    }
  };
}

/** `GET|HEAD /ping`: 204 with the version headers; `?verbose=true` answers 200 `{"version": ...}` (InfluxDB 1.8). */
export function registerInfluxRoutes(router: Router<AuthState>): void {
  // A GET route answers HEAD too.
  router.get('/ping', (ctx) => {
    const verbose = ctx.query['verbose'];
    if (typeof verbose === 'string' && verbose !== '' && verbose !== '0' && verbose !== 'false') {
      ctx.body = { version: INFLUXDB_VERSION };
    } else {
      ctx.status = 204;
    }
  });
}
