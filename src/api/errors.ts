import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { RustsError, type Logger } from '../core/index.ts';
import { UnauthorizedError } from './auth/index.ts';
import { RateLimitedError } from './limits/index.ts';
import { isPrometheusApiPath, REMOTE_STORAGE_PATHS } from './prometheus/index.ts';

// Client mistakes are 4xx so that clients do not retry them; everything else is a server fault.
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_point: 400,
  field_type_conflict: 400,
  timestamp_out_of_range: 400,
  partial_write: 400,
  engine_closed: 503,
  not_ready: 503,
  database_not_found: 404,
  // InfluxDB's status for it; Telegraf matches the message and drops the batch.
  retention_policy_not_found: 500,
  invalid_retention_policy: 400,
  retention_policy_conflict: 409,
  invalid_database_name: 400,
  bad_matcher: 400,
  bad_query: 400,
  influxql_parse: 400,
  query_limit_exceeded: 422,
  // Prometheus answers a timed-out query with 503 as well: the server, not the query, is at its limit.
  query_timeout: 503,
  bad_request_body: 400,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_encoding: 415,
  rate_limited: 429,
  // Prometheus remote write and read: what a sender must not retry as is.
  bad_snappy: 400,
  bad_protobuf: 400,
  invalid_labels: 400,
  bad_read_request: 400,
  unsupported_media_type: 415,
  // The Prometheus query API.
  promql_bad_data: 400,
  promql_execution: 422,
};

/** Prometheus's errorType for an answer's status. */
const PROMETHEUS_ERROR_TYPES: Readonly<Record<number, string>> = { 400: 'bad_data', 404: 'not_found', 422: 'execution', 499: 'canceled', 500: 'internal', 503: 'timeout' };

/** The JSON body of every error response: InfluxDB's `{"error": ...}` shape. */
export interface ErrorBody {
  readonly error: string;
}

/**
 * Render every error, and every request no route answered, in the dialect of its endpoint: JSON
 * `{"error": ...}` (InfluxDB's, and the native API's), Prometheus's `{"status": "error",
 * "errorType": ..., "error": ...}` on its HTTP API, or plain text on Prometheus's remote storage
 * endpoints, as Prometheus answers there (its senders log the body as is).
 *
 * Install it first: Koa's own `onerror` would answer `text/plain`, and only a middleware that wraps
 * the router sees both thrown errors and the unanswered 404.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // No route answered (404), or the router refused the method (405, with its Allow header).
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status;
        renderError(ctx, (STATUS_CODES[status] ?? 'error').toLowerCase());
        // Assigning a body to a response whose status nobody set explicitly turns it into a 200.
        ctx.status = status;
      }
    } catch (err) {
      const { status, message } = describeError(err);
      if (status >= 500) logger.error('request failed', { method: ctx.method, path: ctx.path, status, error: errorText(err) });
      ctx.status = status;
      renderError(ctx, message);
      setErrorHeaders(ctx, err);
    }
  };
}

function renderError(ctx: Context, message: string): void {
  if (REMOTE_STORAGE_PATHS.has(ctx.path)) {
    ctx.type = 'text/plain';
    ctx.body = message + '\n';
  } else if (isPrometheusApiPath(ctx.path)) {
    ctx.body = { status: 'error', errorType: PROMETHEUS_ERROR_TYPES[ctx.status] ?? 'bad_data', error: message };
  } else {
    ctx.body = { error: message } satisfies ErrorBody;
  }
}

/** The headers some errors call for: what credentials to send (RFC 9110), when to retry. */
function setErrorHeaders(ctx: { set(field: string, value: string): void }, err: unknown): void {
  if (err instanceof UnauthorizedError) ctx.set('WWW-Authenticate', 'Basic realm="rusts"');
  else if (err instanceof RateLimitedError) ctx.set('Retry-After', String(err.retryAfterSeconds));
}

function describeError(err: unknown): { status: number; message: string } {
  if (err instanceof RustsError) {
    // A code with a mapping is a condition the client can act on; any other (corruption, say)
    // names internals such as file paths, which stay in the log.
    const status = STATUS_BY_CODE[err.code];
    return status === undefined ? { status: 500, message: 'internal error' } : { status, message: err.message };
  }
  if (isHttpError(err)) return { status: err.status, message: err.expose ? err.message : 'internal error' };
  return { status: 500, message: 'internal error' };
}

// Koa's ctx.throw() throws http-errors objects: they carry the status to answer with, and
// `expose` says whether the message is meant for the client.
function isHttpError(err: unknown): err is Error & { status: number; expose: boolean } {
  if (!(err instanceof Error)) return false;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status <= 599 && typeof expose === 'boolean';
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
