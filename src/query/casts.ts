/**
 * `::type` casts of field references (InfluxQL `"used"::float`), with influxd 1.6.7's semantics:
 * a numeric field cast to another numeric type is converted (float to integer truncates towards
 * zero, integer and unsigned wrap at 64 bits); a field of any other type than the cast's reads as
 * no value at all (a column that only has such refs has no rows); `::field` reads only the field
 * and `::tag` only the tag of that name.
 *
 * A cast ref is compiled to a *cast name* (`used::float`), which the executor treats as one more
 * field of the measurement: its type is the cast's, and its column is made from the source field's
 * column when a series is read. So every path (raw rows, aggregates, transformations, aux fields)
 * reads casts like fields, without knowing about them.
 */
import { Column, FieldType } from '../core/index.ts';
import type { Cast } from './plan.ts';

const CASTS: ReadonlySet<string> = new Set<Cast>(['float', 'integer', 'unsigned', 'string', 'boolean', 'field', 'tag']);

const CAST_TYPES: Partial<Record<Cast, FieldType>> = {
  float: FieldType.Float,
  integer: FieldType.Integer,
  unsigned: FieldType.Unsigned,
  string: FieldType.String,
  boolean: FieldType.Boolean,
};

/** The name a (possibly cast) field reference is read under. */
export function castName(name: string, cast: Cast | undefined): string {
  return cast === undefined ? name : `${name}::${cast}`;
}

/** The source field and cast of a cast name; undefined for a plain name. */
export function parseCastName(name: string): { readonly base: string; readonly cast: Cast } | undefined {
  const at = name.lastIndexOf('::');
  if (at <= 0) return undefined;
  const cast = name.slice(at + 2);
  return CASTS.has(cast) ? { base: name.slice(0, at), cast: cast as Cast } : undefined;
}

const isNumeric = (t: FieldType) => t === FieldType.Float || t === FieldType.Integer || t === FieldType.Unsigned;

/** The type a field of `source` type has under `cast`, or undefined when the cast reads nothing (a type mismatch, or `::tag`). */
export function castType(cast: Cast, source: FieldType): FieldType | undefined {
  if (cast === 'field') return source;
  const target = CAST_TYPES[cast];
  if (target === undefined) return undefined;
  if (target === source || (isNumeric(target) && isNumeric(source))) return target;
  return undefined;
}

/** `column` converted to `type` (castType said it converts). */
export function castColumn(column: Column, type: FieldType): Column {
  if (column.type === type) return column;
  const n = column.length;
  const out = new Column(type, n);
  for (let i = 0; i < n; i++) {
    const ms = column.ms[i]!;
    const sub = column.sub[i]!;
    if (type === FieldType.Float) {
      out.pushFloat(ms, sub, Number((column.values as BigInt64Array | BigUint64Array)[i]!));
      continue;
    }
    let v: bigint;
    if (column.type === FieldType.Float) {
      const f = (column.values as Float64Array)[i]!;
      // Go converts NaN and infinities to an unspecified value; 0 keeps the column well defined.
      v = Number.isFinite(f) ? BigInt(Math.trunc(f)) : 0n;
    } else {
      v = (column.values as BigInt64Array | BigUint64Array)[i]!;
    }
    out.pushBigInt(ms, sub, type === FieldType.Unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v));
  }
  return out;
}
