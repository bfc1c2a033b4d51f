import { readFileSync } from 'node:fs';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { nowTimestamp, packageFile, type RustsError, type Timestamp } from '../core/index.ts';
import { DatabaseNotFoundError } from '../cluster/index.ts';
import { withoutTimeKeys, type LineError, type Precision } from '../protocol/lineprotocol/index.ts';
import type { ParsePool } from '../protocol/workers/index.ts';
import { decodeQueryRequest, encodeSeriesJson, parsePrecision } from '../protocol/native/index.ts';
import { executeQuery, explainQuery, QueryError, type QueryContext, type ResultSeries } from '../query/index.ts';
import { authorize, isAuthorized, requireAdmin } from './auth/index.ts';
import { readRequestBody, type LimitsConfig } from './limits/index.ts';
import type { AuthState, UserStore } from './auth/index.ts';
import { queryParam } from './params.ts';
import type { ServerState } from './state.ts';

export interface NativeApiOptions {
  /** Bounds on the work one request may cause. */
  readonly limits: LimitsConfig;
  /** Where line protocol bodies are parsed. */
  readonly parsePool: ParsePool;
  /** Create a database on its first write (the native API's default), instead of answering 404. */
  readonly autoCreateDatabases: boolean;
  /** Whose privileges on a dropped database go with it. */
  readonly users: UserStore;
}

/** The body of a 400 answer to a write that was partly stored. */
export interface PartialWriteBody {
  readonly error: string;
  /** Points (field values) stored from the good lines. */
  readonly written: number;
  readonly rejected: ReadonlyArray<{ readonly line?: number; readonly message: string }>;
}

// A client that sends a million bad lines gets the first ones: enough to fix its encoder.
const MAX_REJECTED_REPORTED = 100;
const PRECISION_NANOS: Readonly<Record<Precision, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const OPENAPI_YAML = readFileSync(packageFile('openapi.yaml'));

/** Adds the routes of the native API (openapi.yaml describes them; `POST /query` is added by app.ts) to `router`. */
export function registerNativeRoutes(router: Router<AuthState>, state: ServerState, options: NativeApiOptions): void {
  const counted = (params: (ctx: Context) => WriteParams) => (ctx: Context) => state.counted('write', () => write(ctx, params(ctx), state, options));
  router.post(
    '/write',
    counted((ctx) => ({ db: queryParam(ctx, 'db'), rp: queryParam(ctx, 'rp'), precision: queryParam(ctx, 'precision'), consistency: queryParam(ctx, 'consistency') })),
  );
  // InfluxDB 1.8's forward-compatible write, which the 2.x client libraries use against 1.x:
  // `bucket` is `db` or `db/rp`; the organisation is ignored.
  router.post(
    '/api/v2/write',
    counted((ctx) => {
      const [db, rp] = (queryParam(ctx, 'bucket') ?? '').split('/', 2);
      return { db, rp, precision: queryParam(ctx, 'precision'), consistency: undefined };
    }),
  );

  router.get('/databases', (ctx) => {
    ctx.body = { databases: state.router.databases().filter((db) => isAuthorized(ctx, db, 'read')) };
  });
  router.post('/databases', async (ctx) => {
    requireAdmin(ctx);
    const body = await readJson(ctx, options);
    const name = (body as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return ctx.throw(400, 'expected a JSON body {"name": "<database>"}');
    const existed = state.router.hasDatabase(name);
    await state.router.createDatabase(name);
    ctx.status = existed ? 200 : 201;
    ctx.body = { name };
  });
  router.delete('/databases/:name', async (ctx) => {
    requireAdmin(ctx);
    const name = ctx.params['name']!;
    if (!(await state.router.dropDatabase(name))) throw new DatabaseNotFoundError(name);
    // As DROP DATABASE does: the users' privileges on it go too.
    await options.users.forgetDatabase(name);
    ctx.status = 204;
  });

  router.get('/ready', (ctx) => {
    const since = state.readySince;
    if (since === undefined) {
      ctx.status = 503;
      ctx.body = { status: 'starting', message: 'replaying the write-ahead log' };
    } else {
      ctx.body = { status: 'ready', started: since.toISOString() };
    }
  });

  router.get('/stats', async (ctx) => {
    const stats = await state.router.stats();
    const shards = stats.databases.flatMap((db) => db.shards);
    const sum = (pick: (s: (typeof shards)[number]) => number): number => shards.reduce((total, s) => total + pick(s), 0);
    ctx.body = {
      uptimeSeconds: Math.floor((Date.now() - state.startedAt.getTime()) / 1000),
      databases: stats.databases.length,
      series: sum((s) => s.series),
      points: sum((s) => s.points),
      bytesOnDisk: sum((s) => s.bytesOnDisk),
      partitions: sum((s) => s.partitions),
      memtablePoints: sum((s) => s.memtablePoints),
      http: { ...state.counters },
    };
  });

  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'application/yaml';
    ctx.body = OPENAPI_YAML;
  });
}

/**
 * `POST /write` is InfluxDB 1.x's endpoint (Telegraf and the v1 clients post to it), and the native
 * API's: statuses and `error` texts are InfluxDB's, checked against influxd 1.6; the native API
 * adds `written` and `rejected` to a 400 and, by default, creates a database on its first write.
 */
/** The parameters of a write, from `/write`'s query string or `/api/v2/write`'s bucket. */
interface WriteParams {
  readonly db: string | undefined;
  readonly rp: string | undefined;
  readonly precision: string | undefined;
  readonly consistency: string | undefined;
}

async function write(ctx: Context, params: WriteParams, state: ServerState, options: NativeApiOptions): Promise<void> {
  const database = params.db;
  if (database === undefined || database === '') return ctx.throw(400, 'database is required');
  let precision: Precision;
  try {
    precision = parsePrecision(params.precision);
  } catch (err) {
    return ctx.throw(400, (err as Error).message);
  }
  authorize(ctx, database, 'write');
  const router = state.router;
  if (!router.hasDatabase(database)) {
    if (!options.autoCreateDatabases) throw new DatabaseNotFoundError(database);
    await router.createDatabase(database);
  }
  const body = await readRequestBody(ctx, options.limits);
  const { batch, result: parsed } = await options.parsePool.parse(body, { precision, defaultTime: truncate(nowTimestamp(), precision) });
  const consistency = params.consistency;
  // InfluxDB's levels mean something only to its clustered edition, but every edition checks them.
  if (consistency !== undefined && consistency !== '' && !CONSISTENCY_LEVELS.includes(consistency.toLowerCase())) return ctx.throw(400, 'invalid consistency level');
  if (parsed.points === 0 && parsed.errors.length > 0) {
    // Nothing parsed: InfluxDB answers with the parse errors alone, without "partial write".
    state.counters.writeErrors++;
    ctx.status = 400;
    ctx.body = { error: joinLineErrors(parsed.errors), written: 0, rejected: rejectedLines(parsed.errors, []) } satisfies PartialWriteBody;
    return;
  }
  const timeKeys = withoutTimeKeys(batch);
  const stored = await router.write({ database, retentionPolicy: params.rp }, timeKeys.batch);
  state.counters.pointsWritten += stored.written;
  const storeErrors = timeKeys.error === undefined ? stored.errors : [timeKeys.error, ...stored.errors];
  const dropped = stored.dropped + timeKeys.dropped;
  if (parsed.errors.length === 0 && storeErrors.length === 0) {
    ctx.status = 204;
    return;
  }
  state.counters.writeErrors++;
  ctx.status = 400;
  // Storage's refusal (a field type conflict) is what InfluxDB reports first; parse errors come with dropped=0.
  const error = storeErrors.length > 0 ? `partial write: ${storeErrors[0]!.message} dropped=${dropped}` : `partial write: ${joinLineErrors(parsed.errors)} dropped=0`;
  ctx.body = { error, written: stored.written, rejected: rejectedLines(parsed.errors, storeErrors) } satisfies PartialWriteBody;
}

const CONSISTENCY_LEVELS = ['any', 'one', 'quorum', 'all'];

function joinLineErrors(errors: readonly LineError[]): string {
  const shown = errors.slice(0, MAX_REJECTED_REPORTED).map((e) => e.message);
  if (errors.length > shown.length) shown.push(`(${errors.length - shown.length} more lines could not be parsed)`);
  return shown.join('\n');
}

function rejectedLines(lineErrors: readonly LineError[], storeErrors: readonly RustsError[]): PartialWriteBody['rejected'] {
  return [...lineErrors.map((e) => ({ line: e.line, message: e.message })), ...storeErrors.map((e) => ({ message: e.message }))].slice(0, MAX_REJECTED_REPORTED);
}

/** The native JSON query (`POST /query` with a JSON body; see app.ts for how it shares the path with InfluxQL). */
export async function nativeQuery(ctx: Context, state: ServerState, options: NativeApiOptions): Promise<void> {
  const request = decodeQueryRequest(await readJson(ctx, options), nowTimestamp());
  const { database } = request.query;
  authorize(ctx, database, 'read');
  const router = state.router;
  if (!router.hasDatabase(database)) throw new DatabaseNotFoundError(database);

  const timeout = AbortSignal.timeout(options.limits.queryTimeoutMs);
  const context: QueryContext = { signal: timeout, maxPoints: options.limits.maxQueryPoints };
  if (request.explain) {
    const plan = await explainQuery(router, request.query, context);
    ctx.body = { plan: plan.lines, pruning: plan.report };
    return;
  }
  const series: ResultSeries[] = [];
  for await (const s of executeQuery(router, request.query, context)) series.push(s);
  ctx.type = 'application/json';
  ctx.body = encodeSeriesJson(series, request.epoch);
}

async function readJson(ctx: Context, options: NativeApiOptions): Promise<unknown> {
  const body = await readRequestBody(ctx, options.limits);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new QueryError(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** InfluxDB stamps lines without a time with the server's clock truncated to the write's precision. */
function truncate(ts: Timestamp, precision: Precision): Timestamp {
  const unit = PRECISION_NANOS[precision];
  return ts - (ts % unit);
}
