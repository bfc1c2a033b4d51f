/**
 * Validation and normalisation of a LogicalQuery into what the executor runs: wildcards expanded,
 * column names resolved, every function call checked (arity, argument kinds) and turned into
 * either a *slot* (an aggregate or selector computed per group and time bucket) or a
 * transformation over a slot or over raw points. Rules and error messages follow InfluxDB 1.x's
 * query compiler, checked against influxd 1.6 (see test/query/).
 *
 * Field types can differ between measurements, so checks that need a type (mean of a string) are
 * made per measurement by the executor; this module only needs names.
 */
import { FieldType, MIN_TIMESTAMP, MAX_TIMESTAMP } from '../core/index.ts';
import { castName } from './casts.ts';
import { compileRegex } from './condition.ts';
import { QueryError } from './errors.ts';
import { isMath, mathArity, type MathName } from './math.ts';
import type { Expr, Fill, FunctionName, LogicalQuery } from './plan.ts';
import { defaultHold, defaultWarmup, takesWarmup, TECHNICAL_NAMES, type TechnicalName, type TechnicalOptions, type Warmup, warmupTypes } from './technical.ts';

export type AggregateName = 'count' | 'distinct' | 'sum' | 'mean' | 'median' | 'mode' | 'spread' | 'stddev' | 'integral' | SelectorName;
export type SelectorName = 'min' | 'max' | 'first' | 'last' | 'percentile' | 'top' | 'bottom' | 'sample';
export type TransformName = 'derivative' | 'non_negative_derivative' | 'difference' | 'non_negative_difference' | 'cumulative_sum' | 'moving_average' | 'elapsed' | TechnicalName;

const AGGREGATES = new Set<string>(['count', 'distinct', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'integral']);
const SELECTORS = new Set<string>(['min', 'max', 'first', 'last', 'percentile', 'top', 'bottom', 'sample']);
const TRANSFORMS = new Set<string>(['derivative', 'non_negative_derivative', 'difference', 'non_negative_difference', 'cumulative_sum', 'moving_average', 'elapsed', ...TECHNICAL_NAMES]);

const NUMERIC: readonly FieldType[] = [FieldType.Float, FieldType.Integer, FieldType.Unsigned];
const ALL_TYPES: readonly FieldType[] = [...NUMERIC, FieldType.String, FieldType.Boolean];

/** The field types each function accepts (InfluxDB 1.6's iterators); a wildcard argument skips the others. */
export const ACCEPTED_TYPES: Readonly<Record<AggregateName | TransformName, readonly FieldType[]>> = {
  count: ALL_TYPES,
  distinct: ALL_TYPES,
  mode: ALL_TYPES,
  first: ALL_TYPES,
  last: ALL_TYPES,
  sample: ALL_TYPES,
  elapsed: ALL_TYPES,
  min: [...NUMERIC, FieldType.Boolean],
  max: [...NUMERIC, FieldType.Boolean],
  sum: NUMERIC,
  mean: NUMERIC,
  median: NUMERIC,
  spread: NUMERIC,
  stddev: NUMERIC,
  integral: NUMERIC,
  percentile: NUMERIC,
  top: NUMERIC,
  bottom: NUMERIC,
  derivative: NUMERIC,
  non_negative_derivative: NUMERIC,
  difference: NUMERIC,
  non_negative_difference: NUMERIC,
  cumulative_sum: NUMERIC,
  moving_average: NUMERIC,
  ...(Object.fromEntries(TECHNICAL_NAMES.map((name) => [name, NUMERIC])) as Record<TechnicalName, readonly FieldType[]>),
};

/** One aggregate or selector over one field, computed per group and bucket. */
export interface Slot {
  readonly fn: AggregateName;
  readonly field: string;
  /** `count(distinct(field))`. */
  readonly ofDistinct: boolean;
  /** percentile's percent, top/bottom's and sample's N. */
  readonly n: number;
  /** integral's unit in ns. */
  readonly unit: number;
  /** top/bottom's tag arguments: the best point per distinct combination of their values competes. */
  readonly tags: readonly string[];
  /** Reads one interval beyond the range (before it, or after it for ORDER BY DESC): the input of a transformation, as InfluxDB does so the first bucket has a value. */
  readonly extended: boolean;
}

/** A compiled projection. `ref` is a field, or a tag when the measurement has no such field. */
export type Node =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'slot'; readonly slot: number }
  | { readonly kind: 'points'; readonly field: string }
  | { readonly kind: 'transform'; readonly fn: TransformName; readonly input: Node; readonly unit: number; readonly n: number; readonly unitGiven: boolean; readonly technical?: TechnicalOptions }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'math'; readonly fn: MathName; readonly args: readonly Node[] };

export interface CompiledQuery {
  /** `raw`: rows of field values; `aggregate`: anything with a function call. */
  readonly mode: 'raw' | 'aggregate';
  readonly columns: readonly string[];
  readonly outputs: readonly Node[];
  readonly slots: readonly Slot[];
  /** Names referenced as fields or tags: projections, aux fields, slots, raw transformations. Conditions add theirs in the executor. */
  readonly names: readonly string[];
  /** The slot of the only call when it is a selector: its points keep their own time without GROUP BY time. */
  readonly loneSelector: number | undefined;
  /** Projections other than the lone selector are aux fields read at the selected point. */
  readonly hasAux: boolean;
  /** The only call is top(), bottom() or sample(): rows stay in ascending time even with ORDER BY DESC (influxd does so). */
  readonly topBottomOnly: boolean;
  readonly fill: Fill;
  readonly order: 'asc' | 'desc';
}

/** What wildcards expand to: the union over the FROM measurements. */
export interface Schema {
  readonly fields: ReadonlyMap<string, FieldType>;
  readonly tagKeys: ReadonlySet<string>;
}

/** A duration as InfluxQL writes it: `10s`, `1500ms`, `1h`. */
export const durationText = (nanos: bigint): string => {
  const units: Array<[bigint, string]> = [
    [604_800_000_000_000n, 'w'],
    [86_400_000_000_000n, 'd'],
    [3_600_000_000_000n, 'h'],
    [60_000_000_000n, 'm'],
    [1_000_000_000n, 's'],
    [1_000_000n, 'ms'],
    [1_000n, 'u'],
  ];
  for (const [size, unit] of units) if (nanos !== 0n && nanos % size === 0n) return `${nanos / size}${unit}`;
  return `${nanos}${nanos === 0n ? 's' : 'ns'}`;
};

const isCall = (e: Expr): e is Extract<Expr, { kind: 'call' }> => e.kind === 'call';

/** Checks a query's shape before any data is read; throws QueryError. */
export function checkQuery(query: LogicalQuery): void {
  const t = query.groupBy.time;
  if (t !== undefined && t.interval <= 0n) throw new QueryError(`GROUP BY time interval must be positive, got ${durationText(t.interval)}`);
  if (query.range.min < MIN_TIMESTAMP || query.range.max > MAX_TIMESTAMP) throw new QueryError('time range is outside the representable range');
  for (const [name, v] of [['LIMIT', query.limit], ['OFFSET', query.offset], ['SLIMIT', query.slimit], ['SOFFSET', query.soffset]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new QueryError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (query.projections.length === 0) throw new QueryError('at least 1 field is required in the SELECT clause');
}

/** Compiles the projections of a query against the wildcard schema. */
export function compileQuery(query: LogicalQuery, schema: Schema): CompiledQuery {
  const grouped = query.groupBy.time !== undefined;
  const projections = expandWildcards(query, schema);
  const calls: Array<Extract<Expr, { kind: 'call' }>> = [];
  let bareRefs = 0;
  for (const p of projections) collect(p.expr, calls, () => bareRefs++);

  const columns = withTopBottomTags(projections);
  const names = columnNames(columns);
  const order = query.order ?? 'asc';
  const fill = query.fill ?? { kind: 'null' };

  if (calls.length === 0) {
    if (grouped) throw new QueryError('GROUP BY requires at least one aggregate function');
    const outputs = columns.map((p) => compileRaw(p.expr));
    return {
      mode: 'raw',
      columns: names,
      outputs,
      slots: [],
      names: refNames(outputs),
      loneSelector: undefined,
      hasAux: false,
      topBottomOnly: false,
      fill,
      order,
    };
  }

  for (const call of calls) {
    if (call.name === 'top' || call.name === 'bottom') {
      if (calls.length > 1) throw new QueryError(`selector function ${call.name}() cannot be combined with other functions`);
    }
    if (call.name === 'distinct' && (calls.length > 1 || bareRefs > 0)) {
      throw new QueryError('aggregate function distinct() cannot be combined with other functions or fields');
    }
  }
  if (bareRefs > 0) {
    const selectors = calls.filter((c) => SELECTORS.has(c.name)).length;
    if (selectors === 0 || calls.length > selectors) throw new QueryError('mixing aggregate and non-aggregate queries is not supported');
    if (selectors > 1) throw new QueryError('mixing multiple selector functions with tags or fields is not supported');
  }

  const slots: Slot[] = [];
  const slotKeys = new Map<string, number>();
  const addSlot = (slot: Slot): Node => {
    const key = JSON.stringify(slot);
    let at = slotKeys.get(key);
    if (at === undefined) {
      at = slots.length;
      slots.push(slot);
      slotKeys.set(key, at);
    }
    return { kind: 'slot', slot: at };
  };
  const outputs = columns.map((p) => compileAggregate(p.expr, grouped, addSlot));
  const loneSelector = calls.length === 1 && SELECTORS.has(calls[0]!.name) ? 0 : undefined;
  return {
    mode: 'aggregate',
    columns: names,
    outputs,
    slots,
    names: [...new Set([...refNames(outputs), ...slots.map((s) => s.field), ...slots.flatMap((s) => s.tags)])],
    loneSelector,
    hasAux: columns.length > projections.length || bareRefs > 0,
    topBottomOnly: calls.length === 1 && (calls[0]!.name === 'top' || calls[0]!.name === 'bottom' || calls[0]!.name === 'sample'),
    fill,
    order,
  };
}

function collect(e: Expr, calls: Array<Extract<Expr, { kind: 'call' }>>, bare: () => void): void {
  switch (e.kind) {
    case 'call':
      if (isMath(e.name)) {
        // Math applies to values, like arithmetic: what counts is what its arguments read.
        if (e.args.length !== mathArity(e.name)) throw arityError(e.name, String(mathArity(e.name)), e.args.length);
        if (!hasVariable(e)) throw new QueryError('field must contain at least one variable');
        for (const arg of e.args) collect(arg, calls, bare);
        return;
      }
      if (!AGGREGATES.has(e.name) && !SELECTORS.has(e.name) && !TRANSFORMS.has(e.name)) throw new QueryError(`undefined function ${e.name}()`);
      calls.push(e);
      return;
    case 'binary':
      collect(e.left, calls, bare);
      collect(e.right, calls, bare);
      return;
    case 'field':
      bare();
      return;
    case 'number':
      return;
    case 'wildcard':
      throw new QueryError('a wildcard can only stand alone or as a function argument');
    case 'string':
    case 'duration':
      throw new QueryError(`invalid expression in the SELECT clause: a ${e.kind} literal`);
  }
}

/** Whether an expression reads anything: a field, a wildcard or a function other than math. */
function hasVariable(e: Expr): boolean {
  switch (e.kind) {
    case 'field':
    case 'wildcard':
      return true;
    case 'call':
      return !isMath(e.name) || e.args.some(hasVariable);
    case 'binary':
      return hasVariable(e.left) || hasVariable(e.right);
    default:
      return false;
  }
}

function refNames(nodes: readonly Node[]): string[] {
  const out = new Set<string>();
  const walk = (n: Node): void => {
    if (n.kind === 'ref') out.add(n.name);
    else if (n.kind === 'points') out.add(n.field);
    else if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === 'transform') walk(n.input);
    else if (n.kind === 'math') n.args.forEach(walk);
  };
  nodes.forEach(walk);
  return [...out];
}

// ---- wildcards and column names ----

interface NamedExpr {
  readonly expr: Expr;
  readonly alias: string | undefined;
}

/** The innermost function whose argument is `*` or `/re/`, with that argument, if any. */
function wildcardCall(e: Expr): { fn: FunctionName; pattern: string | undefined } | undefined {
  if (e.kind !== 'call') return undefined;
  for (const arg of e.args) {
    if (arg.kind === 'wildcard') return { fn: e.name, pattern: arg.pattern };
    const inner = wildcardCall(arg);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function replaceWildcard(e: Expr, field: string): Expr {
  if (e.kind === 'wildcard') return { kind: 'field', name: field };
  if (e.kind !== 'call') return e;
  return { ...e, args: e.args.map((a) => replaceWildcard(a, field)) };
}

function expandWildcards(query: LogicalQuery, schema: Schema): NamedExpr[] {
  const grouped = query.groupBy.tags;
  const out: NamedExpr[] = [];
  for (const p of query.projections) {
    if (p.expr.kind === 'wildcard') {
      // SELECT *: every field and tag, sorted by name, less the tags grouped by (*::field: fields only, *::tag: tags only).
      // Under a GROUP BY /re/ influxd 1.6.7 lists no tag at all, matched by the pattern or not. SELECT /re/ lists fields only.
      const { cast, pattern } = p.expr;
      const matches = fieldFilter(pattern);
      const names = new Set(cast === 'tag' ? [] : [...schema.fields.keys()].filter(matches));
      const byPattern = (query.groupBy.tagPatterns ?? []).length > 0;
      if (grouped !== '*' && cast !== 'field' && !byPattern && pattern === undefined) for (const k of schema.tagKeys) if (!grouped.includes(k)) names.add(k);
      for (const name of [...names].sort()) out.push({ expr: { kind: 'field', name }, alias: undefined });
      continue;
    }
    const wildcard = wildcardCall(p.expr);
    if (wildcard === undefined) {
      out.push({ expr: p.expr, alias: p.alias });
      continue;
    }
    const { fn, pattern } = wildcard;
    if (fn === 'distinct' && p.expr.kind === 'call' && p.expr.name !== 'distinct') throw new QueryError('expected field argument in distinct()');
    const accepted = isMath(fn) ? NUMERIC : (ACCEPTED_TYPES[fn as AggregateName | TransformName] ?? ALL_TYPES);
    const prefix = p.alias ?? (p.expr.kind === 'call' ? p.expr.name : fn);
    const matches = fieldFilter(pattern);
    for (const [field, type] of [...schema.fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (accepted.includes(type) && matches(field)) out.push({ expr: replaceWildcard(p.expr, field), alias: `${prefix}_${field}` });
    }
  }
  return out;
}

function fieldFilter(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const re = compileRegex(pattern);
  return (name) => re.testExact(name);
}

/** InfluxQL's default column name of an expression: the field name, the call name, or a binary expression's names joined by `_`. */
function exprName(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return e.name;
    case 'call':
      return e.name;
    case 'binary': {
      const parts: string[] = [];
      const walk = (x: Expr): void => {
        if (x.kind === 'field' || x.kind === 'call') parts.push(x.kind === 'field' ? x.name : x.name);
        else if (x.kind === 'binary') {
          walk(x.left);
          walk(x.right);
        }
      };
      walk(e);
      return parts.join('_');
    }
    default:
      return '';
  }
}

/** The projections with the tag arguments of top(f, tag1, tag2, N) added after it: it outputs them too. */
function withTopBottomTags(projections: readonly NamedExpr[]): NamedExpr[] {
  const columns: NamedExpr[] = [];
  for (const p of projections) {
    columns.push(p);
    if (p.expr.kind === 'call' && (p.expr.name === 'top' || p.expr.name === 'bottom')) {
      for (const arg of p.expr.args.slice(1, -1)) if (arg.kind === 'field') columns.push({ expr: arg, alias: undefined });
    }
  }
  return columns;
}

/** Column names as influxd resolves them: aliases first, then generated names, `_1`, `_2`... on clashes. */
function columnNames(columns: readonly NamedExpr[]): string[] {
  const names: string[] = columns.map((c) => c.alias ?? '');
  const used = new Map<string, number>();
  for (const name of names) if (name !== '') used.set(name, 1);
  columns.forEach((c, i) => {
    if (names[i] !== '') return;
    let name = exprName(c.expr);
    let count = used.get(name);
    if (count !== undefined) {
      for (;;) {
        const resolved = `${name}_${count}`;
        if (!used.has(resolved)) {
          used.set(name, count + 1);
          name = resolved;
          break;
        }
        count++;
      }
    }
    used.set(name, (used.get(name) ?? 0) + 1);
    names[i] = name;
  });
  return names;
}

// ---- projections ----

function compileRaw(e: Expr): Node {
  switch (e.kind) {
    case 'field':
      return { kind: 'ref', name: castName(e.name, e.cast) };
    case 'number':
      return { kind: 'number', value: e.value };
    case 'binary':
      return { kind: 'binary', op: e.op, left: compileRaw(e.left), right: compileRaw(e.right) };
    case 'call':
      if (isMath(e.name)) return { kind: 'math', fn: e.name, args: e.args.map(compileRaw) };
      throw new QueryError(`invalid expression in the SELECT clause: ${e.name}()`);
    default:
      throw new QueryError(`invalid expression in the SELECT clause: ${e.kind}`);
  }
}

function arityError(name: string, want: string, got: number): QueryError {
  return new QueryError(`invalid number of arguments for ${name}, expected ${want}, got ${got}`);
}

function durationArg(name: string, arg: Expr | undefined, fallback: number): { unit: number; given: boolean } {
  if (arg === undefined) return { unit: fallback, given: false };
  if (arg.kind !== 'duration') throw new QueryError(`second argument to ${name} must be a duration, got ${arg.kind}`);
  if (arg.nanos <= 0n) throw new QueryError(`duration argument must be positive, got ${durationText(arg.nanos)}`);
  return { unit: Number(arg.nanos), given: true };
}

function fieldArg(name: string, arg: Expr): string {
  if (arg.kind !== 'field') throw new QueryError(`expected field argument in ${name}()`);
  return castName(arg.name, arg.cast);
}

function compileAggregate(e: Expr, grouped: boolean, addSlot: (s: Slot) => Node): Node {
  switch (e.kind) {
    case 'field':
      return { kind: 'ref', name: castName(e.name, e.cast) };
    case 'number':
      return { kind: 'number', value: e.value };
    case 'binary':
      return { kind: 'binary', op: e.op, left: compileAggregate(e.left, grouped, addSlot), right: compileAggregate(e.right, grouped, addSlot) };
    case 'call':
      if (isMath(e.name)) return { kind: 'math', fn: e.name, args: e.args.map((a) => compileAggregate(a, grouped, addSlot)) };
      if (TRANSFORMS.has(e.name)) return compileTransform(e, grouped, addSlot);
      return addSlot(compileSlot(e, false));
    default:
      throw new QueryError(`invalid expression in the SELECT clause: ${e.kind}`);
  }
}

function compileSlot(e: Extract<Expr, { kind: 'call' }>, extended: boolean): Slot {
  const { name, args } = e;
  const base = { fn: name as AggregateName, ofDistinct: false, n: 0, unit: 0, tags: [] as string[], extended };
  switch (name) {
    case 'percentile': {
      if (args.length !== 2) throw arityError(name, '2', args.length);
      const p = args[1]!;
      if (p.kind !== 'number') throw new QueryError('expected float argument in percentile()');
      return { ...base, field: fieldArg(name, args[0]!), n: p.value };
    }
    case 'top':
    case 'bottom': {
      if (args.length < 2) throw arityError(name, 'at least 2', args.length);
      const last = args[args.length - 1]!;
      if (last.kind !== 'number' || !Number.isInteger(last.value)) {
        const found = last.kind === 'number' ? last.value.toFixed(3) : last.kind;
        throw new QueryError(`expected integer as last argument in ${name}(), found ${found}`);
      }
      if (last.value < 1) throw new QueryError(`limit (${last.value}) in ${name} function must be at least 1`);
      const tags = args.slice(1, -1).map((a) => {
        if (a.kind !== 'field') throw new QueryError(`only fields or tags are allowed in ${name}(), found ${a.kind}`);
        return a.name;
      });
      return { ...base, field: fieldArg(name, args[0]!), n: last.value, tags };
    }
    case 'sample': {
      if (args.length !== 2) throw arityError(name, '2', args.length);
      const n = args[1]!;
      if (n.kind !== 'number' || !Number.isInteger(n.value)) throw new QueryError('expected integer argument in sample()');
      if (n.value < 1) throw new QueryError(`sample window must be greater than 1, got ${n.value}`);
      return { ...base, field: fieldArg(name, args[0]!), n: n.value };
    }
    case 'integral': {
      if (args.length < 1 || args.length > 2) throw arityError(name, 'at least 1 but no more than 2', args.length);
      return { ...base, field: fieldArg(name, args[0]!), unit: durationArg(name, args[1], 1e9).unit };
    }
    case 'count': {
      if (args.length !== 1) throw arityError(name, '1', args.length);
      const arg = args[0]!;
      if (arg.kind === 'call' && arg.name === 'distinct') {
        if (arg.args.length !== 1) throw arityError('distinct', '1', arg.args.length);
        return { ...base, field: fieldArg('distinct', arg.args[0]!), ofDistinct: true };
      }
      return { ...base, field: fieldArg(name, arg) };
    }
    default:
      if (args.length !== 1) throw arityError(name, '1', args.length);
      return { ...base, field: fieldArg(name, args[0]!) };
  }
}

function compileTransform(e: Extract<Expr, { kind: 'call' }>, grouped: boolean, addSlot: (s: Slot) => Node): Node {
  const fn = e.name as TransformName;
  const args = e.args;
  let unit = 0;
  let unitGiven = false;
  let n = 0;
  let technical: TechnicalOptions | undefined;
  switch (fn) {
    case 'derivative':
    case 'non_negative_derivative':
    case 'elapsed': {
      if (args.length < 1 || args.length > 2) throw arityError(fn, 'at least 1 but no more than 2', args.length);
      // derivative's unit defaults to the GROUP BY interval (set by the executor), else 1s; elapsed's to 1ns.
      const d = durationArg(fn, args[1], fn === 'elapsed' ? 1 : 1e9);
      unit = d.unit;
      unitGiven = d.given;
      break;
    }
    case 'moving_average': {
      if (args.length !== 2) throw arityError(fn, '2', args.length);
      const w = args[1]!;
      if (w.kind !== 'number' || !Number.isInteger(w.value)) throw new QueryError(`second argument for moving_average must be an integer, got ${w.kind === 'number' ? w.value : w.kind}`);
      if (w.value <= 1) throw new QueryError(`moving_average window must be greater than 1, got ${w.value}`);
      n = w.value;
      break;
    }
    case 'cumulative_sum':
    case 'difference':
    case 'non_negative_difference':
      if (args.length !== 1) throw arityError(fn, '1', args.length);
      break;
    default:
      n = periodArg(fn, args);
      technical = technicalArgs(fn, n, args);
  }
  const arg = args[0]!;
  if (!grouped) {
    if (isCall(arg)) throw new QueryError(`${fn} aggregate requires a GROUP BY interval`);
    return { kind: 'transform', fn, input: { kind: 'points', field: fieldArg(fn, arg) }, unit, n, unitGiven, technical };
  }
  if (!isCall(arg) || TRANSFORMS.has(arg.name)) throw new QueryError(`aggregate function required inside the call to ${fn}`);
  if (isMath(arg.name)) throw new QueryError(`unsupported call: ${arg.name}`);
  if (!AGGREGATES.has(arg.name) && !SELECTORS.has(arg.name)) throw new QueryError(`undefined function ${arg.name}()`);
  return { kind: 'transform', fn, input: addSlot(compileSlot(arg, true)), unit, n, unitGiven, technical };
}

/** A technical function's period, after its argument count (influxd checks in this order). */
function periodArg(fn: TechnicalName, args: readonly Expr[]): number {
  const most = takesWarmup(fn) ? 4 : 3;
  if (args.length < 2 || args.length > most) throw arityError(fn, `at least 2 but no more than ${most}`, args.length);
  const p = args[1]!;
  if (p.kind !== 'number' || !Number.isInteger(p.value)) throw new QueryError(`${fn} period must be an integer`);
  if (p.value < 1) throw new QueryError(`${fn} period must be greater than or equal to 1`);
  return p.value;
}

/** The hold period (-1: until warm) and warm-up type of a technical function. */
function technicalArgs(fn: TechnicalName, period: number, args: readonly Expr[]): TechnicalOptions {
  let hold = -1;
  const h = args[2];
  if (h !== undefined) {
    if (h.kind !== 'number' || !Number.isInteger(h.value)) throw new QueryError(`${fn} hold period must be an integer`);
    // A derivative needs a previous value, so its first output is never kept.
    const least = fn === 'triple_exponential_derivative' ? 1 : 0;
    if (h.value < least && h.value !== -1) throw new QueryError(`${fn} hold period must be greater than or equal to ${least}`);
    hold = h.value;
  }
  let warmup = defaultWarmup(fn);
  const w = args[3];
  if (w !== undefined) {
    if (w.kind !== 'string') throw new QueryError(`${fn} warmup type must be a string`);
    const types = warmupTypes(fn);
    if (!(types as readonly string[]).includes(w.value)) throw new QueryError(`${fn} warmup type must be one of: ${types.map((t) => `'${t}'`).join(' ')}`);
    warmup = w.value as Warmup;
  }
  return { hold: hold === -1 ? defaultHold(fn, period, warmup) : hold, warmup };
}
