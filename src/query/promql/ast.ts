import type { Matcher } from '../../index/index.ts';

/** The four types a PromQL expression can have (Prometheus's `ValueType`). */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** `@ <time>`, `@ start()` or `@ end()`. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' } | { readonly kind: 'end' };

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}

export interface VectorSelector {
  readonly kind: 'vector';
  /** The metric name when the selector names one (`foo{...}` or `{__name__="foo"}`); `matchers` holds it too. */
  readonly name: string | undefined;
  readonly matchers: readonly Matcher[];
  readonly offsetMs: number;
  readonly at: AtModifier | undefined;
}

export interface MatrixSelector {
  readonly kind: 'matrix';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
}

export interface Subquery {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** 0 when not given: the query's evaluation interval (its step; 1 m for an instant query). */
  readonly stepMs: number;
  readonly offsetMs: number;
  readonly at: AtModifier | undefined;
}

export interface Call {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
}

export type AggregateOp = 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values' | 'limitk' | 'limit_ratio';

export interface Aggregate {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** topk's k, quantile's φ, count_values' label name, ... */
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  /** `without (...)`; otherwise `by (...)` (no clause is `by ()`). */
  readonly without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** How the two sides of a vector operation find their partners (`on`/`ignoring`, `group_left`/`group_right`). */
export interface VectorMatching {
  readonly card: Cardinality;
  /** `on (...)`: match on these labels only; otherwise `ignoring (...)` them. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** `group_left (...)` / `group_right (...)`: labels copied from the "one" side. */
  readonly include: readonly string[];
}

export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** `bool` on a comparison: 0 or 1 instead of filtering. */
  readonly returnBool: boolean;
  /** Set when both sides are vectors. */
  readonly matching: VectorMatching | undefined;
}

export interface Unary {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}

export interface Paren {
  readonly kind: 'paren';
  readonly expr: Expr;
}

export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | Subquery | Call | Aggregate | Binary | Unary | Paren;

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

/** The type an expression evaluates to (the parser has checked it is consistent). */
export function typeOf(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
    case 'aggregate':
      return 'vector';
    case 'matrix':
    case 'subquery':
      return 'matrix';
    case 'call':
      return functionSignature(expr.func)!.returns;
    case 'binary':
      return typeOf(expr.lhs) === 'scalar' && typeOf(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(expr.expr);
  }
}

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** How many of the trailing `args` may be left out; -1: the last one repeats any number of times. */
  readonly optional: number;
  readonly returns: ValueType;
  /** Prometheus 3 lists it behind `--enable-feature=promql-experimental-functions`; RusTs always has it. */
  readonly experimental?: boolean;
}

const vectorFn: FunctionSignature = { args: ['vector'], optional: 0, returns: 'vector' };
const rangeFn: FunctionSignature = { args: ['matrix'], optional: 0, returns: 'vector' };
const timeFn: FunctionSignature = { args: ['vector'], optional: 1, returns: 'vector' };
const experimentalRangeFn: FunctionSignature = { ...rangeFn, experimental: true };

/** Every function of the Prometheus documentation, with its argument and result types. */
const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'timestamp', 'sort', 'sort_desc'].map((n) => [n, vectorFn] as const),
  ...['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad'].map((n) => [n, vectorFn] as const),
  ...['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar'].map((n) => [n, vectorFn] as const),
  ...['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((n) => [n, timeFn] as const),
  ...[
    'rate',
    'increase',
    'delta',
    'irate',
    'idelta',
    'deriv',
    'changes',
    'resets',
    'avg_over_time',
    'min_over_time',
    'max_over_time',
    'sum_over_time',
    'count_over_time',
    'last_over_time',
    'stddev_over_time',
    'stdvar_over_time',
    'present_over_time',
    'absent_over_time',
  ].map((n) => [n, rangeFn] as const),
  ...['mad_over_time', 'first_over_time', 'ts_of_min_over_time', 'ts_of_max_over_time', 'ts_of_first_over_time', 'ts_of_last_over_time'].map((n) => [n, experimentalRangeFn] as const),
  ['quantile_over_time', { args: ['scalar', 'matrix'], optional: 0, returns: 'vector' }],
  ['predict_linear', { args: ['matrix', 'scalar'], optional: 0, returns: 'vector' }],
  ['double_exponential_smoothing', { args: ['matrix', 'scalar', 'scalar'], optional: 0, returns: 'vector', experimental: true }],
  ['round', { args: ['vector', 'scalar'], optional: 1, returns: 'vector' }],
  ['clamp', { args: ['vector', 'scalar', 'scalar'], optional: 0, returns: 'vector' }],
  ['clamp_min', { args: ['vector', 'scalar'], optional: 0, returns: 'vector' }],
  ['clamp_max', { args: ['vector', 'scalar'], optional: 0, returns: 'vector' }],
  ['absent', { args: ['vector'], optional: 0, returns: 'vector' }],
  ['histogram_quantile', { args: ['scalar', 'vector'], optional: 0, returns: 'vector' }],
  ['histogram_fraction', { args: ['scalar', 'scalar', 'vector'], optional: 0, returns: 'vector' }],
  ['label_replace', { args: ['vector', 'string', 'string', 'string', 'string'], optional: 0, returns: 'vector' }],
  ['label_join', { args: ['vector', 'string', 'string', 'string'], optional: -1, returns: 'vector' }],
  ['sort_by_label', { args: ['vector', 'string'], optional: -1, returns: 'vector', experimental: true }],
  ['sort_by_label_desc', { args: ['vector', 'string'], optional: -1, returns: 'vector', experimental: true }],
  ['scalar', { args: ['vector'], optional: 0, returns: 'scalar' }],
  ['vector', { args: ['scalar'], optional: 0, returns: 'vector' }],
  ['time', { args: [], optional: 0, returns: 'scalar' }],
  ['pi', { args: [], optional: 0, returns: 'scalar' }],
]);

export function functionSignature(name: string): FunctionSignature | undefined {
  return FUNCTIONS.get(name);
}
