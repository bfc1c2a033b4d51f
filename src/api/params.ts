import type { Context } from 'koa';

/** A URL query parameter: its first value when given more than once. */
export function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}
