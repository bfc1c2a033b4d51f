import type { Context } from 'koa';
import { readRequestBody, type BodyLimits } from './limits/index.ts';

/** A URL query parameter: its first value when given more than once. */
export function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The parameters of a GET, or of a POST with a form body: those of the body first, then those of
 * the URL, so that `get` finds a body value first, as Go's `Request.FormValue` (which InfluxDB and
 * Prometheus read parameters with) does.
 */
export async function requestParams(ctx: Context, limits: BodyLimits): Promise<URLSearchParams> {
  const params = new URLSearchParams();
  if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams((await readRequestBody(ctx, limits)).toString('utf8'))) params.append(key, value);
  }
  for (const [key, value] of new URLSearchParams(ctx.querystring)) params.append(key, value);
  return params;
}
