/**
 * A SELECT statement into the executor's LogicalQuery. The work is InfluxQL's: time conditions of
 * WHERE become the inclusive `range` (`time > x` is `x + 1`), the rest a Condition tree whose
 * regexes are anchored the executor's way (`/re/` matches anywhere, so it is sent as `.*(?:re).*`),
 * `GROUP BY time(i, offset)` a TimeGrouping, and fields become projections.
 *
 * Several sources become a `list` source and subqueries a `subquery` source (compiled with the
 * same options; a subquery's tags are its GROUP BY tags), `GROUP BY /re/` tag patterns, `SELECT /re/`
 * and `mean(/re/)` wildcards with a pattern, `::type` casts stay on field refs, comparisons other
 * than identifier-vs-literal become per-row `compare` leaves, and `tz()` the query's timezone.
 * What the plan cannot express yet (INTO, time conditions under OR) is refused with a QueryError that says "not supported yet", never
 * compiled into a different query.
 */
import { MAX_TIMESTAMP, MIN_TIMESTAMP, parseRfc3339, type Timestamp } from '../../core/index.ts';
import type { Matcher } from '../../index/index.ts';
import type { Namespace } from '../../cluster/index.ts';
import { QueryError } from '../errors.ts';
import { isMath, MATH_NAMES } from '../math.ts';
import { TECHNICAL_NAMES } from '../technical.ts';
import { namespaceOf } from '../select.ts';
import type { CompareOp, Condition, Operand, Expr as PlanExpr, Fill, FunctionName, LogicalQuery, MeasurementSource, Projection, TimeGrouping } from '../plan.ts';
import type { Expr, SelectStatement, Source } from './ast.ts';
import { namedDatabase } from './sources.ts';

export interface CompileOptions {
  /** The request's database (`db=`), used when FROM names none. */
  readonly database: string;
  /** The request's retention policy (`rp=`), used when FROM names none; the database's default when unset. */
  readonly retentionPolicy?: string;
  /** `now()`, in ns. */
  readonly now: Timestamp;
  /** Whether `name` is a tag key of `measurement`; lets `host = 'a'` and `host =~ /re/` use the tag index. */
  readonly isTag?: (namespace: Namespace, measurement: MeasurementSource, name: string) => boolean;
}

const IMPLEMENTED: ReadonlySet<string> = new Set<FunctionName>([
  'count', 'distinct', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'integral', 'min', 'max', 'first', 'last',
  'percentile', 'top', 'bottom', 'sample', 'derivative', 'non_negative_derivative', 'difference', 'non_negative_difference',
  'cumulative_sum', 'moving_average', 'elapsed', ...MATH_NAMES, ...TECHNICAL_NAMES,
]);

/** InfluxQL functions the executor does not have yet: a clear refusal rather than "undefined function". */
const NOT_YET: ReadonlySet<string> = new Set([
  'count_hll', 'sum_hll', 'holt_winters', 'holt_winters_with_fit',
]);

/** The query of a SELECT; its INTO target, if any, is the caller's to write to. */
export function compileSelect(stmt: SelectStatement, options: CompileOptions): LogicalQuery {
  // The first source that names a database or retention policy names them for the statement (influxd reads one database per statement).
  const database = namedDatabase(stmt.sources) ?? options.database;
  if (database === '') throw new QueryError('database name required');
  const sources = stmt.sources.map((s) => measurementSource(s, { ...options, database }));
  const from: MeasurementSource = sources.length === 1 ? sources[0]! : { kind: 'list', sources };
  const source = stmt.sources.find((s): s is Exclude<Source, { kind: 'subquery' }> => s.kind !== 'subquery' && s.retentionPolicy !== undefined) ?? { retentionPolicy: undefined };
  const retentionPolicy = source.retentionPolicy === '' ? options.retentionPolicy : (source.retentionPolicy ?? options.retentionPolicy);
  const isTag = (name: string) => isTagOf(from, name, { database, retentionPolicy }, options);

  const projections = stmt.fields.filter((f) => !(f.expr.kind === 'ref' && f.expr.name === 'time')).map((f): Projection => {
    const expr = projection(f.expr);
    return f.alias === undefined ? { expr } : { expr, alias: f.alias };
  });
  if (projections.length === 0) throw new QueryError('at least 1 non-time field must be queried');

  const where = stmt.condition === undefined ? { range: { min: MIN_TIMESTAMP, max: MAX_TIMESTAMP } } : splitWhere(stmt.condition, options.now, isTag);
  const { time, tags, tagPatterns } = dimensions(stmt.dimensions, options.now);
  // an open end under GROUP BY time stops at now(), as in influxd
  const range = time !== undefined && where.range.max === MAX_TIMESTAMP ? { min: where.range.min, max: options.now } : where.range;

  const query: LogicalQuery = {
    database,
    ...(retentionPolicy === undefined ? {} : { retentionPolicy }),
    from,
    ...(where.condition === undefined ? {} : { condition: where.condition }),
    range,
    projections,
    groupBy: { tags, ...(tagPatterns.length > 0 ? { tagPatterns } : {}), ...(time === undefined ? {} : { time }) },
    ...(stmt.fill === undefined ? {} : { fill: fill(stmt.fill) }),
    order: stmt.order,
    limit: stmt.limit,
    offset: stmt.offset,
    slimit: stmt.slimit,
    soffset: stmt.soffset,
    ...(stmt.timezone === undefined ? {} : { timezone: stmt.timezone }),
  };
  return query;
}

/** A FROM source of the plan; a subquery is compiled with the statement's options. */
function measurementSource(s: Source, options: CompileOptions): MeasurementSource {
  switch (s.kind) {
    case 'measurement':
      return { kind: 'name', name: s.name };
    case 'regex':
      return { kind: 'regex', pattern: anchor(s.pattern) };
    case 'subquery':
      return { kind: 'subquery', query: compileSelect(s.statement, options) };
  }
}

/**
 * Whether `name` is a tag of the sources. A subquery's tags are its GROUP BY tags (a `GROUP BY *`
 * or `/re/` takes its own sources' tags); everything else it outputs is a field.
 */
function isTagOf(from: MeasurementSource, name: string, namespace: Namespace, options: CompileOptions): boolean {
  switch (from.kind) {
    case 'list':
      return from.sources.some((s) => isTagOf(s, name, namespace, options));
    case 'subquery': {
      const g = from.query.groupBy;
      if (g.tags !== '*' && g.tags.includes(name)) return true;
      return (g.tags === '*' || (g.tagPatterns ?? []).length > 0) && isTagOf(from.query.from, name, namespaceOf(from.query), options);
    }
    default:
      return options.isTag?.(namespace, from, name) ?? false;
  }
}

function notYet(what: string): QueryError {
  return new QueryError(`not supported yet: ${what}`);
}

/** InfluxQL's `/re/` matches anywhere; plan regexes are fully anchored. */
function anchor(pattern: string): string {
  return `.*(?:${pattern}).*`;
}

function fill(f: NonNullable<SelectStatement['fill']>): Fill {
  return f.kind === 'value' ? { kind: 'value', value: f.value } : { kind: f.kind };
}

// ---- projections ----

function projection(e: Expr): PlanExpr {
  switch (e.kind) {
    case 'ref':
      return e.cast === undefined ? { kind: 'field', name: e.name } : { kind: 'field', name: e.name, cast: e.cast };
    case 'wildcard':
      return e.cast === undefined ? { kind: 'wildcard' } : { kind: 'wildcard', cast: e.cast };
    case 'integer':
      return { kind: 'number', value: Number(e.value) };
    case 'number':
      return { kind: 'number', value: e.value };
    case 'string':
      return { kind: 'string', value: e.value };
    case 'duration':
      return { kind: 'duration', nanos: e.nanos };
    case 'call': {
      if (!IMPLEMENTED.has(e.name)) {
        if (NOT_YET.has(e.name)) throw notYet(`function ${e.name}()`);
        throw new QueryError(`undefined function ${e.name}()`);
      }
      // influxd expands `abs(*)` but not `abs(/re/)`.
      if (isMath(e.name) && e.args.some((a) => a.kind === 'regex')) throw new QueryError('field must contain at least one variable');
      return { kind: 'call', name: e.name as FunctionName, args: e.args.map(projection) };
    }
    case 'binary':
      if (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' || e.op === '%') {
        return { kind: 'binary', op: e.op, left: projection(e.left), right: projection(e.right) };
      }
      throw notYet(`operator ${e.op} in a field`);
    case 'regex':
      return { kind: 'wildcard', pattern: anchor(e.pattern) };
    case 'boolean':
      throw notYet('boolean literals in fields');
  }
}

// ---- WHERE ----

interface Where {
  readonly condition?: Condition;
  readonly range: { min: Timestamp; max: Timestamp };
}

/** Time conditions (under AND only) into the range; the rest into a Condition. */
function splitWhere(e: Expr, now: Timestamp, isTag: (name: string) => boolean): Where {
  if (e.kind === 'binary' && e.op === 'AND') {
    const l = splitWhere(e.left, now, isTag);
    const r = splitWhere(e.right, now, isTag);
    const range = { min: max(l.range.min, r.range.min), max: min(l.range.max, r.range.max) };
    const condition = l.condition === undefined ? r.condition : r.condition === undefined ? l.condition : { kind: 'and' as const, left: l.condition, right: r.condition };
    return condition === undefined ? { range } : { condition, range };
  }
  const all = { min: MIN_TIMESTAMP, max: MAX_TIMESTAMP };
  const time = timeBound(e, now);
  if (time !== undefined) return { range: time };
  if (e.kind === 'boolean' && e.value) return { range: all };
  return { condition: condition(e, isTag), range: all };
}

function condition(e: Expr, isTag: (name: string) => boolean): Condition {
  if (e.kind !== 'binary') throw notYet(`a ${e.kind} as a condition`);
  if (e.op === 'AND' || e.op === 'OR') {
    if (mentionsTime(e)) throw notYet('time conditions under OR');
    return { kind: e.op === 'AND' ? 'and' : 'or', left: condition(e.left, isTag), right: condition(e.right, isTag) };
  }
  if (e.op === '=~' || e.op === '!~') {
    if (e.left.kind !== 'ref' || e.right.kind !== 'regex') throw notYet('regex comparisons other than identifier =~ /re/');
    const pattern = anchor(e.right.pattern);
    if (isTagRef(e.left, isTag)) return { kind: 'tag', matcher: { name: e.left.name, op: e.op, value: pattern } };
    return { kind: 'fieldRegex', field: e.left.name, negate: e.op === '!~', pattern };
  }
  if (!isCompare(e.op)) throw notYet(`operator ${e.op} in WHERE`);
  let [ref, lit, op] = [e.left, e.right, e.op as CompareOp];
  if (ref.kind !== 'ref' && lit.kind === 'ref') [ref, lit, op] = [lit, ref, flip(op)];
  // Anything but an identifier against a literal (`a + b > 25`, `host = region`) is evaluated per row.
  if (ref.kind !== 'ref' || !isLiteral(lit)) return { kind: 'compare', op: e.op, left: operand(e.left), right: operand(e.right) };
  const value = literal(lit);
  if (isTagRef(ref, isTag) && typeof value === 'string' && (op === '=' || op === '!=')) {
    const matcher: Matcher = { name: ref.name, op, value };
    return { kind: 'tag', matcher };
  }
  return { kind: 'field', field: ref.name, op, value };
}

function isTagRef(ref: Extract<Expr, { kind: 'ref' }>, isTag: (name: string) => boolean): boolean {
  return ref.cast === 'tag' || (ref.cast !== 'field' && isTag(ref.name));
}

const isLiteral = (e: Expr): boolean => e.kind === 'string' || e.kind === 'integer' || e.kind === 'number' || e.kind === 'boolean';

function operand(e: Expr): Operand {
  switch (e.kind) {
    case 'ref':
      // Only ::field and ::tag change what a name reads in a condition.
      return e.cast === 'field' || e.cast === 'tag' ? { kind: 'ref', name: e.name, cast: e.cast } : { kind: 'ref', name: e.name };
    case 'binary':
      if (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' || e.op === '%') return { kind: 'binary', op: e.op, left: operand(e.left), right: operand(e.right) };
      throw notYet(`operator ${e.op} inside a comparison`);
    default:
      return { kind: 'literal', value: literal(e) };
  }
}

function literal(e: Expr): number | string | boolean {
  switch (e.kind) {
    case 'string':
      return e.value;
    case 'integer':
      return Number(e.value);
    case 'number':
      return e.value;
    case 'boolean':
      return e.value;
    default:
      throw notYet(`comparing with a ${e.kind === 'ref' ? 'field or tag' : e.kind}`);
  }
}

const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);
const isCompare = (op: string): op is CompareOp => COMPARE.has(op);

function flip(op: CompareOp): CompareOp {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

function mentionsTime(e: Expr): boolean {
  if (e.kind === 'ref') return e.name.toLowerCase() === 'time';
  if (e.kind === 'binary') return mentionsTime(e.left) || mentionsTime(e.right);
  return false;
}

/** The range a `time <op> value` comparison allows; undefined when `e` is not one. */
export function timeBound(e: Expr, now: Timestamp): { min: Timestamp; max: Timestamp } | undefined {
  if (e.kind !== 'binary' || !isCompare(e.op)) return undefined;
  let op: CompareOp = e.op;
  let other: Expr;
  if (isTimeRef(e.left)) other = e.right;
  else if (isTimeRef(e.right)) {
    other = e.left;
    op = flip(op);
  } else return undefined;
  const t = timeValue(other, now);
  switch (op) {
    case '>':
      return { min: t + 1n, max: MAX_TIMESTAMP };
    case '>=':
      return { min: t, max: MAX_TIMESTAMP };
    case '<':
      return { min: MIN_TIMESTAMP, max: t - 1n };
    case '<=':
      return { min: MIN_TIMESTAMP, max: t };
    case '=':
      return { min: t, max: t };
    default:
      throw new QueryError(`invalid time comparison operator: ${op}`);
  }
}

const isTimeRef = (e: Expr) => e.kind === 'ref' && e.name.toLowerCase() === 'time';

/** A time expression: `now()`, RFC3339 or date strings, integer ns, durations since the epoch, and `+`/`-` of those. */
function timeValue(e: Expr, now: Timestamp): Timestamp {
  switch (e.kind) {
    case 'call':
      if (e.name === 'now' && e.args.length === 0) return now;
      break;
    case 'string': {
      const t = parseTimeString(e.value);
      if (t !== undefined) return t;
      throw new QueryError(`invalid time literal '${e.value}': expected RFC3339 such as '2026-01-01T00:00:00Z'`);
    }
    case 'integer':
      return e.value;
    case 'number':
      return BigInt(Math.trunc(e.value));
    case 'duration':
      return e.nanos;
    case 'binary':
      if (e.op === '+') return timeValue(e.left, now) + timeValue(e.right, now);
      if (e.op === '-') return timeValue(e.left, now) - timeValue(e.right, now);
      break;
  }
  throw new QueryError('invalid time expression: expected now(), a time string, an integer or a duration');
}

/** RFC3339, or influxd's other accepted forms: `2006-01-02 15:04:05.999999` and `2006-01-02` (UTC). */
function parseTimeString(s: string): Timestamp | undefined {
  const t = parseRfc3339(s);
  if (t !== undefined) return t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return parseRfc3339(`${s}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(s)) return parseRfc3339(`${s.replace(' ', 'T')}Z`);
  return undefined;
}

// ---- GROUP BY ----

function dimensions(dims: readonly Expr[], now: Timestamp): { time?: TimeGrouping; tags: readonly string[] | '*'; tagPatterns: string[] } {
  let time: TimeGrouping | undefined;
  let timeSeen = false;
  let tags: string[] | '*' = [];
  const tagPatterns: string[] = [];
  for (const d of dims) {
    if (d.kind === 'call' && d.name === 'time') {
      if (timeSeen) throw new QueryError('multiple time dimensions not allowed');
      timeSeen = true;
      time = timeGrouping(d.args, now);
    } else if (d.kind === 'ref') {
      if (tags !== '*') tags.push(d.name);
    } else if (d.kind === 'wildcard') {
      tags = '*';
    } else if (d.kind === 'regex') {
      // every tag key the pattern matches, per measurement
      tagPatterns.push(anchor(d.pattern));
    } else {
      throw new QueryError('only time and tag dimensions allowed');
    }
  }
  return time === undefined ? { tags, tagPatterns } : { time, tags, tagPatterns };
}

/**
 * `time(interval[, offset])`: the offset may be negative or `now()` (now modulo the interval).
 * `time(0s)` groups nothing, as influxd treats it (undefined).
 */
function timeGrouping(args: readonly Expr[], now: Timestamp): TimeGrouping | undefined {
  if (args.length !== 1 && args.length !== 2) throw new QueryError('time dimension expected 1 or 2 arguments');
  const iv = args[0]!;
  if (iv.kind !== 'duration') throw new QueryError('time dimension must have duration argument');
  const interval = iv.nanos;
  let offset = 0n;
  const off = args[1];
  if (off !== undefined) {
    if (off.kind === 'duration') offset = off.nanos;
    else if (off.kind === 'call' && off.name === 'now' && off.args.length === 0) offset = now;
    else throw new QueryError('time dimension offset must be duration or now()');
  }
  if (interval === 0n) return undefined;
  return { interval, offset: ((offset % interval) + interval) % interval };
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
