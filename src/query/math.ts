/**
 * Arithmetic in projections (`mean(a) * 2`, `a + b`), with InfluxQL's typing, checked against
 * influxd 1.6: integer op integer stays an integer (wrapping at 64 bits) except `/`, which gives a
 * float; anything with a float is a float; division or modulo by zero gives 0; null in, null out.
 * Strings and booleans do not take part in arithmetic: such a projection is a QueryError naming
 * both operand types, as influxd's type checker does.
 *
 * The logical plan has one number literal kind, so a literal with an integral value counts as an
 * integer (`i * 2` stays an integer, as in InfluxQL; `i * 2.0` would too, where influxd gives a float).
 */
import { FieldType, fieldTypeName } from '../core/index.ts';
import { QueryError } from './errors.ts';
import type { ResultValue } from './plan.ts';

export type BinaryOp = '+' | '-' | '*' | '/' | '%';

/** The result type of `left op right`; throws for operands that are not numbers. */
export function binaryType(op: BinaryOp, left: FieldType, right: FieldType, describe: () => string): FieldType {
  const numeric = (t: FieldType) => t === FieldType.Float || t === FieldType.Integer || t === FieldType.Unsigned;
  if (!numeric(left) || !numeric(right)) {
    throw new QueryError(`type error: ${describe()}: incompatible types: ${fieldTypeName(left)} and ${fieldTypeName(right)}`);
  }
  if (left === FieldType.Float || right === FieldType.Float || op === '/') return FieldType.Float;
  if (left === FieldType.Unsigned && right === FieldType.Unsigned) return FieldType.Unsigned;
  return FieldType.Integer;
}

/** The type of a number literal. */
export function literalType(value: number): FieldType {
  return Number.isInteger(value) ? FieldType.Integer : FieldType.Float;
}

/** Applies `op` to two cells already known to be numbers (or null), giving a value of type `type`. */
export function applyBinary(op: BinaryOp, a: ResultValue, b: ResultValue, type: FieldType): ResultValue {
  if (a === null || b === null) return null;
  if (type === FieldType.Float) {
    const x = typeof a === 'bigint' ? Number(a) : (a as number);
    const y = typeof b === 'bigint' ? Number(b) : (b as number);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0 ? 0 : x / y;
      case '%':
        return y === 0 ? 0 : x % y;
    }
  }
  const x = typeof a === 'bigint' ? a : BigInt(a as number);
  const y = typeof b === 'bigint' ? b : BigInt(b as number);
  let r: bigint;
  switch (op) {
    case '+':
      r = x + y;
      break;
    case '-':
      r = x - y;
      break;
    case '*':
      r = x * y;
      break;
    case '/':
    case '%':
      if (y === 0n) return 0n;
      r = op === '/' ? x / y : x % y;
      break;
  }
  return type === FieldType.Unsigned ? BigInt.asUintN(64, r) : BigInt.asIntN(64, r);
}

/** InfluxQL's math functions, with their argument counts. */
const MATH_ARITY = {
  abs: 1, ceil: 1, floor: 1, round: 1, sqrt: 1, exp: 1, ln: 1, log2: 1, log10: 1,
  sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, pow: 2, log: 2, atan2: 2,
} as const;

export type MathName = keyof typeof MATH_ARITY;

export const MATH_NAMES = Object.keys(MATH_ARITY) as readonly MathName[];

export const isMath = (name: string): name is MathName => Object.hasOwn(MATH_ARITY, name);

export const mathArity = (name: MathName): number => MATH_ARITY[name];

/**
 * abs, ceil, floor and round keep an integer an integer, unchanged: influxd 1.6.7 answers
 * `abs(-5i)` with -5, and so does RusTs. The rest give floats.
 */
const KEEPS_INTEGERS: ReadonlySet<string> = new Set(['abs', 'ceil', 'floor', 'round']);

/** The result type of a math function over its first argument's type. A string or boolean argument is not an error: each value is null. */
export function mathType(fn: MathName, arg: FieldType): FieldType {
  return KEEPS_INTEGERS.has(fn) && (arg === FieldType.Integer || arg === FieldType.Unsigned) ? arg : FieldType.Float;
}

const asFloat = (v: ResultValue): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);

/**
 * `fn(args)` on one row's cells. A non-numeric or null argument gives null; so does a result that
 * is not a number (`sqrt(-1)`, `asin(2)`): influxd prints NaN as null.
 */
export function applyMath(fn: MathName, args: readonly ResultValue[], type: FieldType): ResultValue {
  const a = args[0]!;
  if (type !== FieldType.Float) return typeof a === 'bigint' ? a : null;
  const x = asFloat(a);
  if (x === null) return null;
  let r: number;
  if (args.length === 2) {
    const y = asFloat(args[1]!);
    if (y === null) return null;
    r = fn === 'pow' ? Math.pow(x, y) : fn === 'log' ? Math.log(x) / Math.log(y) : Math.atan2(x, y);
  } else {
    r = unary(fn, x);
  }
  return Number.isNaN(r) ? null : r;
}

function unary(fn: MathName, x: number): number {
  switch (fn) {
    case 'abs':
      return Math.abs(x);
    case 'ceil':
      return Math.ceil(x);
    case 'floor':
      return Math.floor(x);
    case 'round':
      // Halves round away from zero, as Go's math.Round does (Math.round rounds -2.5 to -2).
      return x < 0 ? -Math.round(-x) : Math.round(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'exp':
      return Math.exp(x);
    case 'ln':
      return Math.log(x);
    case 'log2':
      return Math.log2(x);
    case 'log10':
      return Math.log10(x);
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'tan':
      return Math.tan(x);
    case 'asin':
      return Math.asin(x);
    case 'acos':
      return Math.acos(x);
    case 'atan':
      return Math.atan(x);
    default:
      return NaN;
  }
}
