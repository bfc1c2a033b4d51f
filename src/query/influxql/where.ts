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

/**
 * A SHOW statement's WHERE as tag matchers: comparisons of a tag with a string or a regex, joined
 * by AND (what Grafana's chained template variables send).
 */
export function tagMatchers(condition: Expr): Matcher[] {
  if (condition.kind === 'binary' && condition.op === 'AND') return [...tagMatchers(condition.left), ...tagMatchers(condition.right)];
  const matcher = tagMatcher(condition);
  if (matcher === undefined) throw new QueryError('not supported yet: this WHERE in a SHOW statement (only tag comparisons joined by AND)');
  return [matcher];
}

function tagMatcher(e: Expr): Matcher | undefined {
  if (e.kind !== 'binary' || e.left.kind !== 'ref') return undefined;
  const { op, right } = e;
  const name = e.left.name;
  if ((op === '=' || op === '!=') && right.kind === 'string') return { name, op, value: right.value };
  if ((op === '=~' || op === '!~') && right.kind === 'regex') return { name, op, value: unanchored(right.pattern) };
  return undefined;
}

/** What DROP SERIES and DELETE remove: the series of any of `disjuncts` (each a conjunction of matchers), within `range`. */
export interface DeletionScope {
  readonly disjuncts: readonly (readonly Matcher[])[];
  readonly range?: { readonly min: Timestamp; readonly max: Timestamp };
}

/**
 * The WHERE of DROP SERIES (`allowTime` false) or DELETE. As in influxd, time comparisons bound
 * the whole deletion wherever they stand, and the tag comparisons may be joined by AND and OR.
 * `isField` tells the names that are fields, which influxd refuses here.
 */
export function deletionScope(condition: Expr | undefined, now: Timestamp, allowTime: boolean, isField: (name: string) => boolean): DeletionScope {
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
      if (!allowTime) throw new QueryError("DROP SERIES doesn't support time in WHERE clause");
      hasTime = true;
      if (bound.min > min) min = bound.min;
      if (bound.max < max) max = bound.max;
      return 'all';
    }
    if (e.kind === 'binary' && e.left.kind === 'ref' && isField(e.left.name)) throw new QueryError('fields not supported in WHERE clause during deletion');
    const matcher = tagMatcher(e);
    if (matcher === undefined) throw new QueryError('not supported yet: this WHERE in a deletion (tag comparisons with strings or regexes, and time)');
    return [[matcher]];
  };
  const tags = walk(condition);
  const disjuncts = tags === 'all' ? [[]] : tags;
  return hasTime ? { disjuncts, range: { min, max } } : { disjuncts };
}
