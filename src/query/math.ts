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
