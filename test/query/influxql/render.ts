/**
 * A compact, fully parenthesised text form of parsed statements, so that each parse test is one
 * line: `f(query, rendering)`. Binary expressions are `(l op r)`, integers are bare, floats carry a
 * `f` suffix, durations print in their largest whole unit.
 */
import type { Expr, Source, Statement } from '../../../src/query/influxql/index.ts';

const UNITS: ReadonlyArray<readonly [string, bigint]> = [['w', 604_800_000_000_000n], ['d', 86_400_000_000_000n], ['h', 3_600_000_000_000n], ['m', 60_000_000_000n], ['s', 1_000_000_000n], ['ms', 1_000_000n], ['u', 1_000n]];

export function duration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  for (const [u, n] of UNITS) if (abs % n === 0n) return `${sign}${abs / n}${u}`;
  return `${sign}${abs}ns`;
}

export function expr(e: Expr): string {
  switch (e.kind) {
    case 'ref':
      return e.cast === undefined ? e.name : `${e.name}::${e.cast}`;
    case 'wildcard':
      return e.cast === undefined ? '*' : `*::${e.cast}`;
    case 'regex':
      return `/${e.pattern}/`;
    case 'integer':
      return String(e.value);
    case 'number':
      return `${e.value}f`;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return String(e.value);
    case 'duration':
      return duration(e.nanos);
    case 'call':
      return `${e.name}(${e.args.map(expr).join(', ')})`;
    case 'binary':
      return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
  }
}

export function source(s: Source): string {
  if (s.kind === 'subquery') return `(${statement(s.statement)})`;
  const name = s.kind === 'regex' ? `/${s.pattern}/` : s.name;
  if (s.database !== undefined) return `${s.database}.${s.retentionPolicy ?? ''}.${name}`;
  return s.retentionPolicy === undefined ? name : `${s.retentionPolicy}.${name}`;
}

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));

export function statement(s: Statement): string {
  if (s.kind !== 'select') {
    const rest: Record<string, unknown> = { ...s };
    delete rest.kind;
    if ('sources' in s) rest.sources = s.sources.map(source);
    if ('condition' in s && s.condition !== undefined) rest.condition = expr(s.condition);
    if ('dimensions' in s) rest.dimensions = s.dimensions.map(expr);
    if (s.kind === 'explain') rest.statement = statement(s.statement);
    for (const k of ['limit', 'offset', 'slimit', 'soffset']) if (rest[k] === 0) delete rest[k];
    if (Array.isArray(rest.sources) && rest.sources.length === 0) delete rest.sources;
    if (Array.isArray(rest.dimensions) && rest.dimensions.length === 0) delete rest.dimensions;
    const body = json(rest);
    return body === '{}' ? s.kind : `${s.kind} ${body}`;
  }
  let out = `SELECT ${s.fields.map((f) => (f.alias === undefined ? expr(f.expr) : `${expr(f.expr)} AS ${f.alias}`)).join(', ')}`;
  if (s.into !== undefined) out += ` INTO ${json(s.into)}`;
  out += ` FROM ${s.sources.map(source).join(', ')}`;
  if (s.condition !== undefined) out += ` WHERE ${expr(s.condition)}`;
  if (s.dimensions.length > 0) out += ` GROUP BY ${s.dimensions.map(expr).join(', ')}`;
  if (s.fill !== undefined) out += ` fill(${s.fill.kind === 'value' ? s.fill.value : s.fill.kind})`;
  if (s.order === 'desc') out += ' ORDER DESC';
  for (const k of ['limit', 'offset', 'slimit', 'soffset'] as const) if (s[k] !== 0) out += ` ${k.toUpperCase()} ${s[k]}`;
  if (s.timezone !== undefined) out += ` tz('${s.timezone}')`;
  return out;
}
