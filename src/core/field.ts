/**
 * Field types. The numbers are part of the on-disk formats (WAL records, segment blocks):
 * never renumber them.
 */
export const FieldType = {
  Float: 1,
  Integer: 2,
  Unsigned: 3,
  String: 4,
  Boolean: 5,
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

const FIELD_TYPE_NAMES: Record<FieldType, string> = {
  [FieldType.Float]: 'float',
  [FieldType.Integer]: 'integer',
  [FieldType.Unsigned]: 'unsigned',
  [FieldType.String]: 'string',
  [FieldType.Boolean]: 'boolean',
};

/** InfluxDB's names for field types, as used in its error messages and SHOW FIELD KEYS. */
export function fieldTypeName(type: FieldType): string {
  return FIELD_TYPE_NAMES[type];
}

export function isFieldType(n: number): n is FieldType {
  return n >= FieldType.Float && n <= FieldType.Boolean && Number.isInteger(n);
}

/** Integers are int64 and unsigned integers uint64, so both are bigint: a float64 would lose precision past 2^53. */
export type FieldValue =
  | { readonly type: typeof FieldType.Float; readonly value: number }
  | { readonly type: typeof FieldType.Integer; readonly value: bigint }
  | { readonly type: typeof FieldType.Unsigned; readonly value: bigint }
  | { readonly type: typeof FieldType.String; readonly value: string }
  | { readonly type: typeof FieldType.Boolean; readonly value: boolean };

export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;
export const MAX_UINT64 = 2n ** 64n - 1n;

export const floatValue = (value: number): FieldValue => ({ type: FieldType.Float, value });
export const integerValue = (value: bigint): FieldValue => ({ type: FieldType.Integer, value });
export const unsignedValue = (value: bigint): FieldValue => ({ type: FieldType.Unsigned, value });
export const stringValue = (value: string): FieldValue => ({ type: FieldType.String, value });
export const booleanValue = (value: boolean): FieldValue => ({ type: FieldType.Boolean, value });
