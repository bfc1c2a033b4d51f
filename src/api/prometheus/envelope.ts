/**
 * What the Prometheus metadata and status endpoints share: the success envelope, and the parameters
 * they read (`match[]`, `limit`, optional `start`/`end`) with Prometheus's error wording.
 */
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Tag } from '../../core/index.ts';
import type { MsRange } from '../../cluster/index.ts';
import { matchesEmpty, type Matcher } from '../../index/index.ts';
import { parseSeriesSelector, PromqlBadDataError, PromqlParseError } from '../../query/index.ts';
import { parseTimeParam } from './params.ts';

/**
 * Answers `{"status":"success","data":<json>}`, with `warnings` when there are any. `json` is the
 * data already serialized (whole, or in pieces to be sent one after another), so that callers can
 * keep the label order JSON.stringify would not (it moves integer-like keys first).
 */
export function respondJson(ctx: Context, json: string | readonly Buffer[], warnings: readonly string[] = []): void {
  ctx.type = 'application/json';
  const warningsJson = warnings.length > 0 ? `,"warnings":${JSON.stringify(warnings)}` : '';
  if (typeof json === 'string') {
    ctx.body = `{"status":"success","data":${json}${warningsJson}}`;
  } else {
    // Pieces of a large answer (a day of 1,000 series is ~50 MB) go out as they are, not copied into one.
    ctx.body = Readable.from([Buffer.from('{"status":"success","data":'), ...json, Buffer.from(`${warningsJson}}`)]);
  }
}

/** Answers data that holds no label sets (plain JSON.stringify is exact for it). */
export function respondData(ctx: Context, data: unknown, warnings: readonly string[] = []): void {
  respondJson(ctx, JSON.stringify(data), warnings);
}

/** A label set as a JSON object, in the given (sorted) order. */
export function labelsJson(labels: readonly Tag[]): string {
  return `{${labels.map((l) => `${JSON.stringify(l.key)}:${JSON.stringify(l.value)}`).join(',')}}`;
}

/**
 * The `match[]` selectors, each a conjunction of matchers. Like Prometheus, a selector whose every
 * matcher accepts the empty value (`{job=~".*"}`) is refused: it would select every series.
 * `/series` names the parameter in its errors (`invalid parameter "match[]": ...`); `/labels` and
 * `/label/<name>/values` answer the parse error alone, as Prometheus does.
 */
export function parseMatchParams(params: URLSearchParams, nameParameter = false): Matcher[][] {
  const prefix = nameParameter ? 'invalid parameter "match[]": ' : '';
  const sets: Matcher[][] = [];
  for (const text of params.getAll('match[]')) {
    try {
      sets.push([...parseSeriesSelector(text).matchers]);
    } catch (err) {
      if (err instanceof PromqlParseError) throw new PromqlBadDataError(prefix + err.message);
      throw err;
    }
  }
  for (const set of sets) {
    if (set.every((m) => matchesEmpty(m))) throw new PromqlBadDataError(`${prefix}match[] must contain at least one non-empty matcher`);
  }
  return sets;
}

/**
 * `limit`: at most this many items, 0 or absent for no limit (Prometheus 3's reading of the
 * parameter on /series, /labels and /label/<name>/values).
 */
export function parseLimitParam(params: URLSearchParams): number {
  const text = params.get('limit');
  if (text === null || text === '') return Infinity;
  if (!/^[+-]?\d+$/.test(text)) throw new PromqlBadDataError(`invalid parameter "limit": strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const limit = Number(text);
  if (limit < 0) throw new PromqlBadDataError('invalid parameter "limit": limit must be non-negative');
  return limit === 0 ? Infinity : limit;
}

/** What a truncated answer warns of, as Prometheus words it. */
export const TRUNCATED_WARNING = 'results truncated due to limit';

/**
 * `start` and `end` of the metadata endpoints as Prometheus reads them; undefined when neither
 * is given (the whole time range), and an open end where one is missing.
 */
export function timeRangeParams(params: URLSearchParams): MsRange | undefined {
  const start = params.get('start');
  const end = params.get('end');
  const hasStart = start !== null && start !== '';
  const hasEnd = end !== null && end !== '';
  if (!hasStart && !hasEnd) return undefined;
  return { minMs: hasStart ? parseTimeParam('start', start) : -Infinity, maxMs: hasEnd ? parseTimeParam('end', end) : Infinity };
}

/** `items` cut to `limit`, with the warning when cut. */
export function applyLimit<T>(items: readonly T[], limit: number): { items: readonly T[]; warnings: string[] } {
  if (items.length <= limit) return { items, warnings: [] };
  return { items: items.slice(0, limit), warnings: [TRUNCATED_WARNING] };
}
