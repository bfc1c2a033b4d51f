/**
 * `/api/v1/format_query` (the expression pretty-printed, as Prometheus's `Prettify`) and
 * `/api/v1/parse_query` (its syntax tree as JSON, in the shape of Prometheus 3's tree view).
 */
import type { Context } from 'koa';
import { parsePromql, prettifyPromql, promqlAstJson, PromqlBadDataError, PromqlParseError, type PromqlExpr } from '../../query/index.ts';
import { requestParams } from '../params.ts';
import type { ServerState } from '../state.ts';
import { respondData } from './envelope.ts';
import type { PrometheusApiOptions } from './options.ts';
import type { Target } from './write.ts';

// Neither reads data, so neither needs a database or read permission (Prometheus's do not either).

export async function formatQuery(ctx: Context, _target: Target, _state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  respondData(ctx, prettifyPromql(parseQueryParam(params)));
}

export async function parseQuery(ctx: Context, _target: Target, _state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  respondData(ctx, promqlAstJson(parseQueryParam(params)));
}

function parseQueryParam(params: URLSearchParams): PromqlExpr {
  try {
    return parsePromql(params.get('query') ?? '');
  } catch (err) {
    if (err instanceof PromqlParseError) throw new PromqlBadDataError(`invalid parameter "query": ${err.message}`);
    throw err;
  }
}
