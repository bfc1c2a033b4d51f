import Koa, { type Context } from 'koa';
import { Router } from '@koa/router';
import compress from 'koa-compress';
import type { Logger } from '../core/index.ts';
import { authenticate, DEFAULT_AUTH_CONFIG, UserStore, type AuthConfig, type AuthState } from './auth/index.ts';
import { errorMiddleware } from './errors.ts';
import { DEFAULT_LIMITS, rateLimit, type LimitsConfig } from './limits/index.ts';
import { influxHeaders, influxQuery, registerInfluxRoutes } from './influx.ts';
import { nativeQuery, registerNativeRoutes } from './native.ts';
import { DEFAULT_PROMETHEUS_CONFIG, MetadataStore, registerPrometheusRoutes, type PrometheusConfig } from './prometheus/index.ts';
import { ParsePool } from '../protocol/workers/index.ts';
import type { ServerState } from './state.ts';
import { VERSION } from './version.ts';

/** What the HTTP API needs from the process that hosts it. */
export interface AppDeps {
  /** Where requests find storage once it is open; the app never closes it (its owner does, after the HTTP server has stopped). */
  readonly state: ServerState;
  readonly logger: Logger;
  /** Off when omitted (the single-node quick start). */
  readonly auth?: AuthConfig;
  /**
   * The users of `auth` and those InfluxQL statements create, built from the same config
   * (`UserStore.open`, persisted in the data directory); in memory only when omitted.
   */
  readonly users?: UserStore;
  /** Body sizes, rate limits and query bounds; defaults when omitted. */
  readonly limits?: LimitsConfig;
  /** Create a database on its first native write instead of answering 404 (default true). */
  readonly autoCreateDatabases?: boolean;
  /** Decode workers for line protocol and remote write; bodies are decoded on the main thread when omitted. */
  readonly parsePool?: ParsePool;
  /** `[prometheus]`: remote write and read; defaults when omitted. */
  readonly prometheus?: PrometheusConfig;
  /** Where remote write's metric metadata is kept (`MetadataStore.open`); in memory only when omitted. */
  readonly metadata?: MetadataStore;
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

  const router = new Router<AuthState>();
  // Liveness: it passes while storage opens too (a probe that failed it then would restart a server
  // replaying a long WAL), but says that writes and queries wait until `/ready` says ready.
  router.get('/health', (ctx) => {
    ctx.body = {
      name: 'rusts',
      message: deps.state.readySince === undefined ? 'starting: opening storage; writes and queries answer 503 until /ready answers 200' : 'ready for queries and writes',
      status: 'pass',
      checks: [],
      version: VERSION,
    } satisfies HealthBody;
  });

  const limits = deps.limits ?? DEFAULT_LIMITS;
  const auth = deps.auth ?? DEFAULT_AUTH_CONFIG;
  const users = deps.users ?? UserStore.inMemory(auth);
  const parsePool = deps.parsePool ?? new ParsePool(0, deps.logger);
  const native = { limits, parsePool, users, autoCreateDatabases: deps.autoCreateDatabases ?? true };
  registerNativeRoutes(router, deps.state, native);
  registerInfluxRoutes(router);
  registerPrometheusRoutes(router, deps.state, {
    limits,
    prometheus: deps.prometheus ?? DEFAULT_PROMETHEUS_CONFIG,
    metadata: deps.metadata ?? MetadataStore.inMemory(),
    autoCreateDatabases: native.autoCreateDatabases,
    parsePool,
  });
  // One path, two languages: a JSON body without `q` is the native query model, anything else
  // (a form, or `q` in the URL, as InfluxDB clients send) is InfluxQL.
  const query = (ctx: Context): Promise<void> =>
    deps.state.counted('query', () =>
      ctx.method === 'POST' && ctx.is('application/json') && ctx.query['q'] === undefined ? nativeQuery(ctx, deps.state, native) : influxQuery(ctx, deps.state, { limits, users }),
    );
  router.get('/query', query);
  router.post('/query', query);
  // Compression outermost (it takes the final body), InfluxDB's headers next (they copy the
  // rendered error), then errors (rendering what the others throw), then who is asking, then how
  // often they may.
  app.use(compressAnswers());
  app.use(influxHeaders());
  app.use(errorMiddleware(deps.logger));
  app.use(authenticate(auth, { users }));
  app.use(rateLimit(limits));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * gzip for answers of 1 KiB or more to clients that accept it, as Prometheus and InfluxDB answer
 * their API clients (Grafana asks for it): a day of 1,000 series is 48 MB of JSON and about a
 * tenth of that compressed. Level 1: these answers compress well at the fastest level, and the
 * time goes to the query's latency. Brotli and the others are off, being slower for the same answer;
 * protobuf answers (remote read) are not compressible types and stay as they are.
 */
function compressAnswers(): Koa.Middleware {
  return compress({ threshold: 1024, gzip: { level: 1 }, deflate: false, br: false, zstd: false });
}
