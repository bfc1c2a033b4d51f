import { RE2JS } from 're2js';
import { RustsError } from '../core/index.ts';
import { Lru } from './lru.ts';

/** The matcher name that selects on the measurement (Prometheus' metric name label). */
export const MEASUREMENT_NAME = '__name__';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/**
 * One label matcher, with Prometheus semantics (InfluxQL agrees): a series without tag `name` has
 * the empty value for it. Regexes are RE2 syntax, fully anchored, and `.` matches newlines (as in
 * Prometheus' `^(?s:re)$`); an adapter that wants an unanchored match sends `.*(?:re).*`.
 */
export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A matcher that cannot be used: an invalid regular expression or an unknown operator. */
export class BadMatcherError extends RustsError {
  constructor(
    readonly pattern: string,
    detail: string,
  ) {
    super('bad_matcher', `invalid matcher "${pattern}": ${detail}`);
  }
}

/**
 * What a matcher tests a value against, before negation. Common regex shapes get their own kinds
 * so that they cost a lookup or a string comparison instead of a regex run per value.
 */
export type ValuePredicate =
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'any' }
  | { readonly kind: 'nonEmpty' }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 're'; readonly re: RE2JS; readonly matchesEmpty: boolean };

export interface CompiledMatcher {
  readonly name: string;
  /** True for `!=` and `!~`: the matcher selects the values the predicate rejects. */
  readonly negate: boolean;
  readonly predicate: ValuePredicate;
}

export function predicateMatches(p: ValuePredicate, value: string): boolean {
  switch (p.kind) {
    case 'set':
      return p.values.includes(value);
    case 'any':
      return true;
    case 'nonEmpty':
      return value !== '';
    case 'prefix':
      return value.startsWith(p.prefix);
    case 're':
      return p.re.testExact(value);
  }
}

export function predicateMatchesEmpty(p: ValuePredicate): boolean {
  switch (p.kind) {
    case 'set':
      return p.values.includes('');
    case 'any':
      return true;
    case 'nonEmpty':
    case 'prefix':
      return false;
    case 're':
      return p.matchesEmpty;
  }
}

// RE2 metacharacters. `]` and `}` are literal in RE2 when unpaired, but treating them as meta
// only sends such patterns down the full regex path, which is always correct.
const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

// In RE2 a backslash before ASCII punctuation always means the character itself; before a letter
// or digit it is a class or an escape sequence, which the literal path does not handle.
function isEscapablePunct(c: string): boolean {
  const x = c.charCodeAt(0);
  return (x >= 0x21 && x <= 0x2f) || (x >= 0x3a && x <= 0x40) || (x >= 0x5b && x <= 0x60) || (x >= 0x7b && x <= 0x7e);
}

/**
 * The alternatives of a pattern made only of literals joined by `|`, optionally wrapped in one
 * group (Grafana sends multi-value variables as `(a|b|c)` with values escaped), or null for any
 * other pattern.
 */
export function literalAlternatives(pattern: string): string[] | null {
  let body = pattern;
  if (body.startsWith('(?:') && body.endsWith(')')) body = body.slice(3, -1);
  else if (body.startsWith('(') && !body.startsWith('(?') && body.endsWith(')')) body = body.slice(1, -1);
  const alts: string[] = [];
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || !isEscapablePunct(next)) return null;
      cur += next;
      i++;
    } else if (c === '|') {
      alts.push(cur);
      cur = '';
    } else if (META.has(c)) {
      return null;
    } else {
      cur += c;
    }
  }
  alts.push(cur);
  return alts;
}

function compileRegex(pattern: string): ValuePredicate {
  if (pattern === '.*') return { kind: 'any' };
  if (pattern === '.+') return { kind: 'nonEmpty' };
  const alts = literalAlternatives(pattern);
  if (alts !== null) return { kind: 'set', values: [...new Set(alts)] };
  if (pattern.endsWith('.*')) {
    const prefix = literalAlternatives(pattern.slice(0, -2));
    // A group stripped by literalAlternatives would change the meaning here: `(a).*` is fine but
    // `(a|b).*` is not a prefix; accept only a plain single literal.
    if (prefix !== null && prefix.length === 1 && !pattern.startsWith('(') && prefix[0] !== '') {
      return { kind: 'prefix', prefix: prefix[0]! };
    }
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.DOTALL);
  } catch (err) {
    throw new BadMatcherError(pattern, err instanceof Error ? err.message : String(err));
  }
  return { kind: 're', re, matchesEmpty: re.testExact('') };
}

// Compiled regexes are cached because dashboards repeat the same selectors on every refresh; the
// bound keeps a stream of distinct patterns from growing memory.
const regexCache = new Lru<string, ValuePredicate>(1024);

/** Compiles a matcher, throwing `BadMatcherError` for an invalid regex or operator. */
export function compileMatcher(m: Matcher): CompiledMatcher {
  switch (m.op) {
    case '=':
    case '!=':
      return { name: m.name, negate: m.op === '!=', predicate: { kind: 'set', values: [m.value] } };
    case '=~':
    case '!~': {
      let predicate = regexCache.get(m.value);
      if (predicate === undefined) {
        predicate = compileRegex(m.value);
        regexCache.set(m.value, predicate);
      }
      return { name: m.name, negate: m.op === '!~', predicate };
    }
    default:
      throw new BadMatcherError(m.value, `unknown operator "${String((m as { op: unknown }).op)}"`);
  }
}

/** Whether `m` accepts `value` (the empty string standing for "series lacks the tag"). */
export function matchesValue(m: Matcher, value: string): boolean {
  const c = compileMatcher(m);
  return predicateMatches(c.predicate, value) !== c.negate;
}

/**
 * Whether `m` matches series that lack its tag. Prometheus rejects a selector in which every
 * matcher does (`{job=~".*"}`); an adapter enforces that rule with this function.
 */
export function matchesEmpty(m: Matcher): boolean {
  const c = compileMatcher(m);
  return predicateMatchesEmpty(c.predicate) !== c.negate;
}
