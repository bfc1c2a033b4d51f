import { MAX_TIMESTAMP, MIN_TIMESTAMP, type Timestamp } from '../../core/index.ts';
import type { MatchOp } from '../../index/index.ts';
import { QueryError, type CompareOp, type Condition, type Expr, type Fill, type FunctionName, type LogicalQuery, type Projection } from '../../query/index.ts';
import { EPOCH_NANOS, parseDuration, parseTimeValue, type Epoch } from './time.ts';

/** A decoded `POST /query` body: the query, and how to answer it. */
export interface NativeQueryRequest {
  readonly query: LogicalQuery;
  readonly explain: boolean;
  /** Times as integers in this unit; RFC3339 strings when undefined. */
  readonly epoch: Epoch | undefined;
}

const FUNCTIONS: readonly FunctionName[] = [
  'count', 'distinct', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'integral',
  'min', 'max', 'first', 'last', 'percentile', 'top', 'bottom',
  'derivative', 'non_negative_derivative', 'difference', 'non_negative_difference', 'cumulative_sum', 'moving_average', 'elapsed',
];
const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];
const COMPARE_OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
const TOP_KEYS = [
  'database', 'measurement', 'measurementRegex', 'where', 'select', 'start', 'end', 'groupBy', 'fill', 'order',
  'limit', 'offset', 'slimit', 'soffset', 'epoch', 'explain',
];

/**
 * Turns the JSON body of `POST /query` (described in openapi.yaml) into a LogicalQuery. Every
 * mistake is a QueryError whose message names the member at fault (`select[1].fn`), so a client
 * author can fix the request without reading our source.
 */
export function decodeQueryRequest(body: unknown, now: Timestamp): NativeQueryRequest {
  const root = object(body, 'the request body');
  for (const key of Object.keys(root)) if (!TOP_KEYS.includes(key)) fail(`unknown member "${key}"; known members: ${TOP_KEYS.join(', ')}`);

  const database = nonEmptyString(root['database'], 'database');
  const measurement = optional(root['measurement'], (v) => nonEmptyString(v, 'measurement'));
  const measurementRegex = optional(root['measurementRegex'], (v) => nonEmptyString(v, 'measurementRegex'));
  if ((measurement === undefined) === (measurementRegex === undefined)) fail('give exactly one of "measurement" and "measurementRegex"');

  const groupBy = decodeGroupBy(root['groupBy']);
  const start = optional(root['start'], (v) => at('start', () => parseTimeValue(v, now))) ?? MIN_TIMESTAMP;
  // InfluxDB ends a GROUP BY time query without an upper bound at now(), so its buckets stay finite.
  const end = optional(root['end'], (v) => at('end', () => parseTimeValue(v, now))) ?? (groupBy.time !== undefined ? now : MAX_TIMESTAMP);
  if (start > end) fail('"start" is after "end"');

  const fill = optional(root['fill'], decodeFill);
  const order = optional(root['order'], (v) => oneOf(v, ['asc', 'desc'] as const, 'order'));
  const query: LogicalQuery = {
    database,
    from: measurement !== undefined ? { kind: 'name', name: measurement } : { kind: 'regex', pattern: measurementRegex! },
    ...(root['where'] !== undefined ? { condition: decodeCondition(root['where'], 'where') } : {}),
    range: { min: start, max: end },
    projections: decodeSelect(root['select']),
    groupBy,
    ...(fill !== undefined ? { fill } : {}),
    ...(order !== undefined ? { order } : {}),
    ...counts(root, ['limit', 'offset', 'slimit', 'soffset'] as const),
  };
  const epoch = optional(root['epoch'], (v) => oneOf(v, Object.keys(EPOCH_NANOS) as Epoch[], 'epoch'));
  const explain = optional(root['explain'], (v) => boolean(v, 'explain')) ?? false;
  return { query, explain, epoch };
}

function decodeSelect(value: unknown): Projection[] {
  if (value === undefined) return [{ expr: { kind: 'wildcard' } }];
  if (!Array.isArray(value) || value.length === 0) fail('"select" must be a non-empty array of field names and function objects');
  return value.map((item, i) => decodeProjection(item, `select[${i}]`));
}

function decodeProjection(item: unknown, path: string): Projection {
  if (typeof item === 'string') return { expr: fieldExpr(item, path) };
  const obj = object(item, path);
  const alias = optional(obj['as'], (v) => nonEmptyString(v, `${path}.as`));
  return { expr: decodeCall(obj, path), ...(alias !== undefined ? { alias } : {}) };
}

function decodeCall(obj: Record<string, unknown>, path: string): Expr {
  for (const key of Object.keys(obj)) if (!['fn', 'field', 'of', 'args', 'as'].includes(key)) fail(`${path}: unknown member "${key}"; known members: fn, field, of, args, as`);
  const name = oneOf(obj['fn'], FUNCTIONS, `${path}.fn`);
  if ((obj['field'] === undefined) === (obj['of'] === undefined)) fail(`${path}: give exactly one of "field" and "of"`);
  const input = obj['field'] !== undefined ? fieldExpr(nonEmptyString(obj['field'], `${path}.field`), `${path}.field`) : decodeCall(object(obj['of'], `${path}.of`), `${path}.of`);
  const args = obj['args'] === undefined ? [] : array(obj['args'], `${path}.args`).map((a, i) => decodeArg(a, `${path}.args[${i}]`));
  return { kind: 'call', name, args: [input, ...args] };
}

function fieldExpr(name: string, path: string): Expr {
  if (name === '') fail(`${path}: a field name must not be empty`);
  return name === '*' ? { kind: 'wildcard' } : { kind: 'field', name };
}

/** Numbers are numbers; strings are durations (`"1s"` as derivative's unit). */
function decodeArg(value: unknown, path: string): Expr {
  if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'duration', nanos: at(path, () => parseDuration(value)) };
  return fail(`${path}: expected a number or a duration string such as "1s", got ${JSON.stringify(value)}`);
}

function decodeCondition(value: unknown, path: string): Condition {
  const obj = object(value, path);
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
    const kind = keys[0];
    const parts = array(obj[kind], `${path}.${kind}`).map((c, i) => decodeCondition(c, `${path}.${kind}[${i}]`));
    if (parts.length === 0) fail(`${path}.${kind}: must not be empty`);
    return parts.reduce((left, right) => ({ kind, left, right }));
  }
  if ('tag' in obj) {
    only(obj, ['tag', 'op', 'value'], path);
    const op = oneOf(obj['op'], MATCH_OPS, `${path}.op`);
    if (typeof obj['value'] !== 'string') fail(`${path}.value: expected a string, got ${JSON.stringify(obj['value'])}`);
    return { kind: 'tag', matcher: { name: nonEmptyString(obj['tag'], `${path}.tag`), op, value: obj['value'] } };
  }
  if ('field' in obj) {
    only(obj, ['field', 'op', 'value'], path);
    const field = nonEmptyString(obj['field'], `${path}.field`);
    const v = obj['value'];
    const op = obj['op'];
    if (op === '=~' || op === '!~') {
      if (typeof v !== 'string') fail(`${path}.value: a regular expression must be a string`);
      return { kind: 'fieldRegex', field, negate: op === '!~', pattern: v };
    }
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') fail(`${path}.value: expected a number, string or boolean, got ${JSON.stringify(v)}`);
    return { kind: 'field', field, op: oneOf(op, COMPARE_OPS, `${path}.op`), value: v };
  }
  return fail(`${path}: expected {"and": [...]}, {"or": [...]}, {"tag": ..., "op": ..., "value": ...} or {"field": ..., "op": ..., "value": ...}`);
}

function decodeGroupBy(value: unknown): LogicalQuery['groupBy'] {
  if (value === undefined) return { tags: [] };
  const obj = object(value, 'groupBy');
  only(obj, ['time', 'offset', 'tags'], 'groupBy');
  let tags: readonly string[] | '*' = [];
  if (obj['tags'] === '*') tags = '*';
  else if (obj['tags'] !== undefined) tags = array(obj['tags'], 'groupBy.tags').map((t, i) => nonEmptyString(t, `groupBy.tags[${i}]`));
  if (obj['time'] === undefined) {
    if (obj['offset'] !== undefined) fail('groupBy.offset: needs groupBy.time');
    return { tags };
  }
  const interval = at('groupBy.time', () => parseDuration(string(obj['time'], 'groupBy.time')));
  if (interval <= 0n) fail('groupBy.time: must be greater than zero');
  const offset = obj['offset'] === undefined ? 0n : parseOffset(string(obj['offset'], 'groupBy.offset'));
  // Offsets wrap around the interval, as InfluxQL's do.
  return { time: { interval, offset: ((offset % interval) + interval) % interval }, tags };
}

function parseOffset(text: string): bigint {
  const negative = text.startsWith('-');
  const nanos = at('groupBy.offset', () => parseDuration(negative ? text.slice(1) : text));
  return negative ? -nanos : nanos;
}

function decodeFill(value: unknown): Fill {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('fill: a number must be finite');
    return { kind: 'value', value };
  }
  return { kind: oneOf(value, ['null', 'none', 'previous', 'linear'] as const, 'fill') };
}

function counts<K extends string>(root: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const v = root[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${key}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}

function fail(message: string): never {
  throw new QueryError(message);
}

/** `parse()`, with a RangeError or TypeError turned into a QueryError naming `path`. */
function at<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) fail(`${path}: ${err.message}`);
    throw err;
  }
}

function optional<T>(value: unknown, decode: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : decode(value);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${path}: expected a JSON object, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value as Record<string, unknown>;
}

function only(obj: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) if (!keys.includes(key)) fail(`${path}: unknown member "${key}"; known members: ${keys.join(', ')}`);
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(`${path}: expected an array, got ${JSON.stringify(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(`${path}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function nonEmptyString(value: unknown, path: string): string {
  const s = string(value, path);
  if (s === '') fail(`${path}: must not be empty`);
  return s;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(`${path}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) fail(`${path}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`);
  return found;
}
