/**
 * WHERE conditions. A condition tree mixes tag leaves (answered by the series index) and field
 * leaves (answered per row), under `and`/`or`. Execution splits it in two:
 *
 * 1. `tagDisjuncts`: with every field leaf read as "true", the tag part in disjunctive normal form:
 *    a few conjunctions of matchers, one index lookup each, whose union is a superset of the series
 *    the condition can select (an `or` of tag leaves is a union of bitmaps). `host='a' or host='b'`
 *    collapses into the one matcher `host=~"a|b"`, which the index answers as a set lookup.
 * 2. `residualFor`: per series, the tag leaves evaluated against its tags, leaving `true`, `false`
 *    or a tree of field leaves, which `rowMask` evaluates over the series' rows with typed-array
 *    loops, one leaf at a time.
 *
 * InfluxQL semantics: a comparison with a missing value (the row has no such field) is false, even
 * `!=` and `!~`; numbers compare across float/integer; a string field compares only with a string
 * and a boolean only with a boolean (`=`/`!=`), anything else is false. A field leaf that names a
 * tag of the measurement (and no field) compares the tag's value.
 *
 * Regexes in conditions (`fieldRegex`, and tag matchers) are RE2, fully anchored, like `Matcher`:
 * the InfluxQL front end sends `/re/` as `.*(?:re).*`.
 */
import { RE2JS } from 're2js';
import { FieldType, type Column, type Tag } from '../core/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../index/index.ts';
import { QueryError } from './errors.ts';
import { wordNumber, wordsOf, type IntValues } from './int64.ts';
import { applyBinary } from './math.ts';
import type { CompareOp, Condition, Operand } from './plan.ts';

/** A condition left after tag leaves are known: only field leaves remain. */
export type FieldCondition =
  | { readonly kind: 'and' | 'or'; readonly left: FieldCondition; readonly right: FieldCondition }
  | { readonly kind: 'field'; readonly field: string; readonly op: CompareOp; readonly value: number | string | boolean }
  | { readonly kind: 'fieldRegex'; readonly field: string; readonly negate: boolean; readonly re: RE2JS }
  /** A `compare` condition whose refs are all fields of the series (tags already substituted). */
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand };

const MAX_DISJUNCTS = 32;

/**
 * Conjunctions of tag matchers whose union holds every series `condition` can select; `[[]]` (one
 * empty conjunction: every series) when there is no tag restriction or the normal form would
 * exceed 32 conjunctions.
 */
export function tagDisjuncts(condition: Condition | undefined): Matcher[][] {
  if (condition === undefined) return [[]];
  const dnf = toDnf(condition);
  return dnf === undefined ? [[]] : dnf;
}

/** undefined = true (no restriction). */
function toDnf(c: Condition): Matcher[][] | undefined {
  switch (c.kind) {
    case 'tag':
      return [[c.matcher]];
    case 'field':
    case 'fieldRegex':
    case 'compare':
      return undefined;
    case 'or': {
      const l = toDnf(c.left);
      const r = toDnf(c.right);
      if (l === undefined || r === undefined) return undefined;
      const out = collapseEqualities([...l, ...r]);
      return out.length > MAX_DISJUNCTS ? undefined : out;
    }
    case 'and': {
      const l = toDnf(c.left);
      const r = toDnf(c.right);
      if (l === undefined) return r;
      if (r === undefined) return l;
      if (l.length * r.length > MAX_DISJUNCTS) return l.length <= r.length ? l : r; // a superset is fine: the residual filters
      return l.flatMap((a) => r.map((b) => [...a, ...b]));
    }
  }
}

const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** Single-equality disjuncts on one tag become one `=~"a|b|c"` matcher, answered by the index as a set. */
function collapseEqualities(disjuncts: Matcher[][]): Matcher[][] {
  const byName = new Map<string, string[]>();
  const rest: Matcher[][] = [];
  for (const d of disjuncts) {
    if (d.length === 1 && d[0]!.op === '=') {
      const list = byName.get(d[0]!.name) ?? [];
      list.push(d[0]!.value);
      byName.set(d[0]!.name, list);
    } else {
      rest.push(d);
    }
  }
  for (const [name, values] of byName) {
    if (values.length === 1) rest.push([{ name, op: '=', value: values[0]! }]);
    else rest.push([{ name, op: '=~', value: values.map((v) => v.replace(RE2_META, '\\$&')).join('|') }]);
  }
  return rest;
}

/** What a series needs to decide tag leaves and field leaves that name tags. */
export interface SeriesContext {
  readonly measurement: string;
  readonly tags: readonly Tag[];
  readonly fieldTypes: ReadonlyMap<string, FieldType>;
}

export function tagValue(tags: readonly Tag[], key: string): string | undefined {
  for (const t of tags) if (t.key === key) return t.value;
  return undefined;
}

const regexCache = new Map<string, RE2JS>();

export function compileRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern, RE2JS.DOTALL);
    } catch (err) {
      throw new QueryError(`invalid regular expression "${pattern}": ${err instanceof Error ? err.message : String(err)}`);
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** The condition with this series' tags substituted: true, false or the field leaves that remain. */
export function residualFor(c: Condition | undefined, s: SeriesContext): FieldCondition | boolean {
  if (c === undefined) return true;
  switch (c.kind) {
    case 'tag': {
      const value = c.matcher.name === MEASUREMENT_NAME ? s.measurement : (tagValue(s.tags, c.matcher.name) ?? '');
      return matchesValue(c.matcher, value);
    }
    case 'field': {
      if (s.fieldTypes.has(c.field)) return c;
      const tag = tagValue(s.tags, c.field);
      if (tag === undefined || typeof c.value !== 'string') return false;
      return compare(tag < c.value ? -1 : tag > c.value ? 1 : 0, c.op);
    }
    case 'fieldRegex': {
      const re = compileRegex(c.pattern);
      if (s.fieldTypes.has(c.field)) return { kind: 'fieldRegex', field: c.field, negate: c.negate, re };
      const tag = tagValue(s.tags, c.field);
      if (tag === undefined) return false;
      return re.testExact(tag) !== c.negate;
    }
    case 'compare': {
      const left = bindTags(c.left, s);
      const right = bindTags(c.right, s);
      if (hasRef(left) || hasRef(right)) return { kind: 'compare', op: c.op, left, right };
      return compareValues(evalOperand(left, NO_ROW, 0), c.op, evalOperand(right, NO_ROW, 0));
    }
    case 'and': {
      const l = residualFor(c.left, s);
      if (l === false) return false;
      const r = residualFor(c.right, s);
      if (l === true) return r;
      if (r === true) return l;
      if (r === false) return false;
      return { kind: 'and', left: l, right: r };
    }
    case 'or': {
      const l = residualFor(c.left, s);
      if (l === true) return true;
      const r = residualFor(c.right, s);
      if (l === false) return r;
      if (r === false) return l;
      if (r === true) return true;
      return { kind: 'or', left: l, right: r };
    }
  }
}

/** Field names a condition reads per row. */
export function conditionFields(c: Condition | undefined, out: Set<string> = new Set()): Set<string> {
  if (c === undefined) return out;
  if (c.kind === 'field' || c.kind === 'fieldRegex') out.add(c.field);
  else if (c.kind === 'compare') {
    operandRefs(c.left, out);
    operandRefs(c.right, out);
  } else if (c.kind === 'and' || c.kind === 'or') {
    conditionFields(c.left, out);
    conditionFields(c.right, out);
  }
  return out;
}

function compare(sign: number, op: CompareOp): boolean {
  switch (op) {
    case '=':
      return sign === 0;
    case '!=':
      return sign !== 0;
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
  }
}

/** Rows of one series: `n` rows, and for each field the column and per row the point index (-1: none). */
export interface RowView {
  readonly length: number;
  column(field: string): Column | undefined;
  /** Point index in `column(field)` of each row, -1 where the row lacks the field; undefined when row i is point i. */
  index(field: string): Int32Array | undefined;
}

/** 1 for each row that satisfies `c`. */
export function rowMask(c: FieldCondition, rows: RowView): Uint8Array {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const l = rowMask(c.left, rows);
      const r = rowMask(c.right, rows);
      if (c.kind === 'and') for (let i = 0; i < l.length; i++) l[i]! &= r[i]!;
      else for (let i = 0; i < l.length; i++) l[i]! |= r[i]!;
      return l;
    }
    case 'field':
      return compareLeaf(c, rows);
    case 'compare': {
      const mask = new Uint8Array(rows.length);
      for (let r = 0; r < rows.length; r++) if (compareValues(evalOperand(c.left, rows, r), c.op, evalOperand(c.right, rows, r))) mask[r] = 1;
      return mask;
    }
    case 'fieldRegex': {
      const mask = new Uint8Array(rows.length);
      const column = rows.column(c.field);
      if (column === undefined || column.type !== FieldType.String) return mask;
      const idx = rows.index(c.field);
      const values = column.values as string[];
      for (let r = 0; r < rows.length; r++) {
        const i = idx === undefined ? r : idx[r]!;
        if (i >= 0 && c.re.testExact(values[i]!) !== c.negate) mask[r] = 1;
      }
      return mask;
    }
  }
}

function compareLeaf(c: Extract<FieldCondition, { kind: 'field' }>, rows: RowView): Uint8Array {
  const mask = new Uint8Array(rows.length);
  const column = rows.column(c.field);
  if (column === undefined) return mask;
  const idx = rows.index(c.field);
  const { op, value } = c;
  const type = column.type;
  if (type === FieldType.String || type === FieldType.Boolean) {
    if (type === FieldType.String ? typeof value !== 'string' : typeof value !== 'boolean' || (op !== '=' && op !== '!=')) return mask;
    for (let r = 0; r < rows.length; r++) {
      const i = idx === undefined ? r : idx[r]!;
      if (i < 0) continue;
      const v = type === FieldType.String ? (column.values as string[])[i]! : (column.values as Uint8Array)[i] === 1;
      if (compare(v < value ? -1 : v > value ? 1 : 0, op)) mask[r] = 1;
    }
    return mask;
  }
  if (typeof value !== 'number') return mask;
  const floats = type === FieldType.Float ? (column.values as Float64Array) : undefined;
  const words = floats === undefined ? wordsOf(column.values as IntValues) : undefined;
  const unsigned = type === FieldType.Unsigned;
  for (let r = 0; r < rows.length; r++) {
    const i = idx === undefined ? r : idx[r]!;
    if (i < 0) continue;
    const v = floats !== undefined ? floats[i]! : wordNumber(words!, i, unsigned);
    if (compare(v < value ? -1 : v > value ? 1 : v === value ? 0 : NaN, op)) mask[r] = 1;
  }
  return mask;
}

// ---- compare conditions: operands evaluated per row ----

type Scalar = number | string | boolean | null;

const NO_ROW: RowView = { length: 0, column: () => undefined, index: () => undefined };

function operandRefs(o: Operand, out: Set<string>): void {
  if (o.kind === 'ref') {
    if (o.cast !== 'tag') out.add(o.name);
  } else if (o.kind === 'binary') {
    operandRefs(o.left, out);
    operandRefs(o.right, out);
  }
}

const hasRef = (o: Operand): boolean => o.kind === 'ref' || (o.kind === 'binary' && (hasRef(o.left) || hasRef(o.right)));

/** Refs that are no field of the series become literals: the tag's value, or null (InfluxQL: an unknown name has no value). */
function bindTags(o: Operand, s: SeriesContext): Operand {
  switch (o.kind) {
    case 'ref': {
      if (o.cast !== 'tag' && s.fieldTypes.has(o.name)) return o;
      const tag = o.cast === 'field' ? undefined : tagValue(s.tags, o.name);
      return { kind: 'literal', value: tag ?? null };
    }
    case 'literal':
      return o;
    case 'binary':
      return { kind: 'binary', op: o.op, left: bindTags(o.left, s), right: bindTags(o.right, s) };
  }
}

function evalOperand(o: Operand, rows: RowView, r: number): Scalar {
  switch (o.kind) {
    case 'literal':
      return o.value;
    case 'ref': {
      const column = rows.column(o.name);
      if (column === undefined) return null;
      const idx = rows.index(o.name);
      const i = idx === undefined ? r : idx[r]!;
      if (i < 0) return null;
      switch (column.type) {
        case FieldType.Float:
          return (column.values as Float64Array)[i]!;
        case FieldType.Integer:
        case FieldType.Unsigned:
          return wordNumber(wordsOf(column.values as IntValues), i, column.type === FieldType.Unsigned);
        case FieldType.String:
          return (column.values as string[])[i]!;
        case FieldType.Boolean:
          return (column.values as Uint8Array)[i] === 1;
      }
      return null;
    }
    case 'binary': {
      const x = evalOperand(o.left, rows, r);
      const y = evalOperand(o.right, rows, r);
      // Arithmetic takes numbers only; anything else has no value, so the comparison is false.
      if (typeof x !== 'number' || typeof y !== 'number') return null;
      return applyBinary(o.op, x, y, FieldType.Float) as number;
    }
  }
}

/** InfluxQL's comparison: numbers with numbers, strings with strings, booleans with booleans (= and != only); anything else, null included, is false. */
function compareValues(a: Scalar, op: CompareOp, b: Scalar): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return compare(a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN, op);
  if (typeof a === 'string' && typeof b === 'string') return compare(a < b ? -1 : a > b ? 1 : 0, op);
  if (typeof a === 'boolean' && typeof b === 'boolean') return (op === '=' || op === '!=') && compare(a === b ? 0 : 1, op);
  return false;
}
