import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { authorizeQuery, DEFAULT_CHUNK_SIZE, encodeChunkedResults, encodeCsv, encodeResults, executeStatement, type StatementContext, type StatementResult } from '../protocol/influx/index.ts';
import { compileSelect, parseInfluxQL } from '../query/influxql/index.ts';
import { authorizeBootstrap, executeUserStatement, isAuthorized, principalOf, type AuthState, type UserStore } from './auth/index.ts';
import { nowTimestamp } from '../core/index.ts';
import type { LimitsConfig } from './limits/index.ts';
import { requestParams } from './params.ts';
import type { ServerState } from './state.ts';

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
 * outside the error middleware, so that it sees the rendered error. Prometheus's own API
 * (`/api/v1/...`) answers as Prometheus does, without them; InfluxDB 1.8's Prometheus endpoints
 * (`/api/v1/prom/read` and `/write`) keep them.
 */
export function influxHeaders(): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/api/v1/') && !ctx.path.startsWith('/api/v1/prom/')) return next();
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

export interface InfluxQueryOptions {
  readonly limits: LimitsConfig;
  /** The users that SHOW USERS lists and CREATE USER, GRANT, ... change. */
  readonly users: UserStore;
}

/**
 * InfluxQL over `GET|POST /query`, answered in InfluxDB's shape. Parameters come from the URL and,
 * for a POST form, from the body (`q`, `db`, `rp`, `epoch`, `pretty`, `params`); statements run one
 * after another and each gets its own result or error.
 */
export async function influxQuery(ctx: Context, state: ServerState, options: InfluxQueryOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const text = params.get('q');
  if (text === null || text === '') return ctx.throw(400, 'missing required parameter "q"');
  let bound: Record<string, unknown> | undefined;
  const rawParams = params.get('params');
  if (rawParams !== null && rawParams !== '') {
    try {
      bound = JSON.parse(rawParams) as Record<string, unknown>;
    } catch (err) {
      return ctx.throw(400, `error parsing query parameters: ${(err as Error).message}`);
    }
  }
  const statements = parseInfluxQL(text, bound);
  const now = nowTimestamp();
  const csv = ctx.accepts('application/json', 'application/csv', 'text/csv') !== 'application/json' && /csv/.test(ctx.get('Accept'));
  const epoch = params.get('epoch') ?? (csv ? 'n' : undefined);
  const database = params.get('db') ?? undefined;
  const retentionPolicy = params.get('rp') ?? undefined;
  const context: StatementContext = {
    router: state.router,
    database,
    retentionPolicy,
    readOnly: ctx.method === 'GET',
    now,
    query: { signal: AbortSignal.timeout(options.limits.queryTimeoutMs), maxPoints: options.limits.maxQueryPoints },
    epoch,
    compile: (stmt, db) =>
      compileSelect(stmt, {
        database: db,
        retentionPolicy,
        now,
        // A tag condition goes through the tag index, where a missing tag compares as '' (InfluxQL's
        // rule). A name that is no field of the measurement is taken for a tag too, as influxd does.
        isTag: (namespace, from, name) => {
          if (from.kind === 'name') return !state.router.fieldsOf(namespace, from.name).has(name);
          return state.router.tagKeys(namespace.database, []).includes(name);
        },
      }),
    principal: principalOf(ctx).name,
    permits: (requirement) => ('admin' in requirement ? principalOf(ctx).admin : isAuthorized(ctx, requirement.database, requirement.access)),
    users: { execute: (stmt) => executeUserStatement(stmt, options.users, { principal: principalOf(ctx), hasDatabase: (db) => state.router.hasDatabase(db) }) },
    canAccess: (db) => isAuthorized(ctx, db, 'read') || isAuthorized(ctx, db, 'write'),
  };
  const results: StatementResult[] = [];
  // InfluxDB authorizes a query as a whole before running it; the bootstrap rule is checked so.
  authorizeBootstrap(principalOf(ctx), statements);
  authorizeQuery(statements, context);
  for (let i = 0; i < statements.length; i++) {
    const stmt = statements[i]!;
    const result = await executeStatement(stmt, i, context);
    // A dropped database takes the users' privileges on it along, as in InfluxDB.
    if (stmt.kind === 'dropDatabase' && result.error === undefined) await options.users.forgetDatabase(stmt.name);
    results.push(result);
  }
  if (csv) {
    ctx.type = 'application/csv';
    ctx.body = encodeCsv(results);
  } else {
    ctx.type = 'application/json';
    const pretty = params.get('pretty') === 'true';
    if (params.get('chunked') === 'true') {
      // A chunk_size that is not a positive integer falls back to the default, as in influxd.
      const size = Number(params.get('chunk_size'));
      ctx.body = encodeChunkedResults(results, Number.isInteger(size) && size > 0 ? size : DEFAULT_CHUNK_SIZE, pretty);
    } else {
      ctx.body = encodeResults(results, pretty);
    }
  }
}
