/**
 * The WHERE clauses that select series rather than points: SHOW statements, DROP SERIES and
 * DELETE. They compare tags only, so they become tag matchers for the index; DELETE also takes a
 * time range.
 */
import { MAX_TIMESTAMP, MIN_TIMESTAMP, type Timestamp } from '../../core/index.ts';
import type { Matcher } from '../../index/index.ts';
import { QueryError } from '../errors.ts';
import type { Expr } from './ast.ts';
import { timeBound } from './compile.ts';

/** InfluxQL's `/re/` matches anywhere in the value; the index's matchers are anchored. */
export function unanchored(pattern: string): string {
  return `.*(?:${pattern}).*`;
}

function tagMatcher(e: Expr): Matcher | undefined {
  if (e.kind !== 'binary' || e.left.kind !== 'ref') return undefined;
  const { op, right } = e;
  const name = e.left.name;
  if ((op === '=' || op === '!=') && right.kind === 'string') return { name, op, value: right.value };
  if ((op === '=~' || op === '!~') && right.kind === 'regex') return { name, op, value: unanchored(right.pattern) };
  return undefined;
}

/** The series a WHERE selects: those of any of `disjuncts` (each a conjunction of matchers), within `range` when it has one. */
export interface SeriesScope {
  readonly disjuncts: readonly (readonly Matcher[])[];
  readonly range?: { readonly min: Timestamp; readonly max: Timestamp };
}

export interface ScopeOptions {
  /**
   * What a time comparison does: bounds the range (DELETE), is ignored (SHOW TAG VALUES and the
   * like, where influxd uses it only to pick shards), or fails with this message.
   */
  readonly time: 'range' | 'ignore' | { readonly error: string };
  /** Names that are fields, refused with this message (deletions); unchecked when absent. */
  readonly fields?: { readonly isField: (name: string) => boolean; readonly error: string };
}

/**
 * The WHERE of a statement that selects series rather than points (SHOW, DROP SERIES, DELETE):
 * tag comparisons with strings and regexes joined by AND and OR, and, as in influxd, time
 * comparisons that bound the whole statement wherever they stand.
 */
export function seriesScope(condition: Expr | undefined, now: Timestamp, options: ScopeOptions): SeriesScope {
  if (condition === undefined) return { disjuncts: [[]] };
  let min = MIN_TIMESTAMP;
  let max = MAX_TIMESTAMP;
  let hasTime = false;
  const walk = (e: Expr): Matcher[][] | 'all' => {
    if (e.kind === 'binary' && (e.op === 'AND' || e.op === 'OR')) {
      const l = walk(e.left);
      const r = walk(e.right);
      if (e.op === 'OR') return l === 'all' || r === 'all' ? 'all' : [...l, ...r];
      if (l === 'all') return r;
      if (r === 'all') return l;
      return l.flatMap((a) => r.map((b) => [...a, ...b]));
    }
    const bound = timeBound(e, now);
    if (bound !== undefined) {
      if (typeof options.time === 'object') throw new QueryError(options.time.error);
      if (options.time === 'range') {
        hasTime = true;
        if (bound.min > min) min = bound.min;
        if (bound.max < max) max = bound.max;
      }
      return 'all';
    }
    if (options.fields !== undefined && e.kind === 'binary' && e.left.kind === 'ref' && options.fields.isField(e.left.name)) throw new QueryError(options.fields.error);
    const matcher = tagMatcher(e);
    if (matcher !== undefined) return [[matcher]];
    if (e.kind === 'binary' && !['=', '!=', '=~', '!~'].includes(e.op)) throw new QueryError('invalid tag comparison operator');
    throw new QueryError('not supported yet: this WHERE (tags compared with strings or regexes, joined by AND and OR, and time)');
  };
  const tags = walk(condition);
  const disjuncts = tags === 'all' ? [[]] : tags;
  return hasTime ? { disjuncts, range: { min, max } } : { disjuncts };
}
