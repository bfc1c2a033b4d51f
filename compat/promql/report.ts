// Running every (expression, query kind) against both servers, and the report the suite prints.
import { get, inPool } from './client.ts';
import { compareReplies, isOrdered, type Comparison, type Reply } from './compare.ts';
import { explains, knownDifference, type KnownDifference } from './known-differences.ts';
import type { ApiCase, Case, QueryKind } from './queries.ts';

/** One comparison: what was asked, and how the two answers compared. */
export interface Outcome {
  readonly what: string;
  readonly group: string;
  readonly kind: string;
  readonly comparison: Comparison;
  readonly known: KnownDifference | undefined;
  /** Whether Prometheus answered with a non-empty result (the comparison was not trivially empty). */
  readonly hasData: boolean;
}

const CONCURRENCY = 6;

function hasData(reply: Reply): boolean {
  const data = reply.body?.data;
  if (data?.resultType === 'scalar' || data?.resultType === 'string') return true;
  return Array.isArray(data?.result) && data.result.length > 0;
}

/** Every case as every kind, against `reference` and `target`. */
export async function compareAll(reference: string, target: string, cases: readonly Case[], kinds: readonly QueryKind[]): Promise<Outcome[]> {
  const tasks = cases.flatMap((c) =>
    kinds.map((kind) => async (): Promise<Outcome> => {
      const params = { query: c.expr, ...kind.params };
      const [want, got] = await Promise.all([get(reference, kind.path, params), get(target, kind.path, params)]);
      const comparison = compareReplies(want, got, { ordered: kind.path === '/api/v1/query' && isOrdered(c.expr) });
      return { what: c.expr, group: c.group, kind: kind.id, comparison, known: knownDifference(c.expr, kind.id), hasData: hasData(want) };
    }),
  );
  return inPool(CONCURRENCY, tasks);
}

/** The HTTP API parameter cases, each once. */
export async function compareApiCases(reference: string, target: string, cases: readonly ApiCase[]): Promise<Outcome[]> {
  return inPool(
    CONCURRENCY,
    cases.map((c) => async (): Promise<Outcome> => {
      const [want, got] = await Promise.all([get(reference, c.path, c.params), get(target, c.path, c.params)]);
      return { what: `${c.name}: ${c.path} ${JSON.stringify(c.params)}`, group: 'HTTP API parameters', kind: 'api', comparison: compareReplies(want, got, { ordered: false }), known: undefined, hasData: hasData(want) };
    }),
  );
}

export function isMismatch(o: Outcome): boolean {
  return o.comparison.diffs.length > 0;
}

/** Whether the outcome is a mismatch that known-differences.ts explains. */
function isKnown(o: Outcome): boolean {
  return isMismatch(o) && o.known !== undefined && explains(o.known, o.comparison.diffs);
}

/** The outcomes that fail the suite: mismatches known-differences.ts does not explain. */
export function unexpected(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter((o) => isMismatch(o) && !isKnown(o));
}

/** The printed report: totals, per group, every mismatch with its diff, known differences with reasons. */
export function formatReport(title: string, expressions: number, kinds: number, outcomes: readonly Outcome[]): string {
  const matched = outcomes.filter((o) => !isMismatch(o)).length;
  const mismatched = outcomes.filter(isMismatch);
  const known = mismatched.filter(isKnown);
  const staleKnown = outcomes.filter((o) => !isMismatch(o) && o.known !== undefined);
  const inexact = outcomes.reduce((n, o) => n + o.comparison.inexact, 0);
  const withData = outcomes.filter((o) => o.hasData).length;
  const errorNotes = outcomes.filter((o) => o.comparison.notes.length > 0);
  const rate = outcomes.length === 0 ? 0 : (100 * matched) / outcomes.length;
  const lines = [
    `== ${title}`,
    `${expressions} expressions x ${kinds} query kinds (+ HTTP API cases) = ${outcomes.length} comparisons; Prometheus returned data (or a scalar/string) for ${withData}`,
    `matched ${matched}, mismatched ${mismatched.length} (${known.length} known 2.42 -> 3.x differences), match rate ${rate.toFixed(2)}%`,
    `values equal only within the tolerance (not bit for bit): ${inexact}`,
  ];
  const groups = new Map<string, { total: number; bad: number }>();
  for (const o of outcomes) {
    const g = groups.get(o.group) ?? { total: 0, bad: 0 };
    g.total++;
    if (isMismatch(o)) g.bad++;
    groups.set(o.group, g);
  }
  lines.push('per group (mismatched/total):');
  for (const [name, g] of groups) lines.push(`  ${g.bad === 0 ? ' ' : '!'} ${name}: ${g.bad}/${g.total}`);
  // Each expression once, with the kinds it failed in and the diff of the first of them.
  const byExpression = (list: readonly Outcome[]) => {
    const map = new Map<string, Outcome[]>();
    for (const o of list) map.set(o.what, [...(map.get(o.what) ?? []), o]);
    return [...map.values()];
  };
  const kindsOf = (list: readonly Outcome[]) => list.map((o) => o.kind).join(' ');
  const shown = byExpression(unexpected(outcomes));
  if (shown.length > 0) {
    lines.push(`unexpected mismatches (${shown.length} expressions):`);
    for (const list of shown) lines.push(`  ${list[0]!.what}   [${kindsOf(list)}]`, ...list[0]!.comparison.diffs.map((d) => `      ${d}`));
  }
  const knownShown = byExpression(known);
  if (knownShown.length > 0) {
    lines.push(`known differences (${knownShown.length} expressions):`);
    for (const list of knownShown) lines.push(`  ${list[0]!.what}   [${kindsOf(list)}]`, `      why: ${list[0]!.known!.reason}`, ...list[0]!.comparison.diffs.slice(0, 1).map((d) => `      ${d}`));
  }
  const staleShown = byExpression(staleKnown);
  if (staleShown.length > 0) {
    lines.push(`listed as known differences but matching (remove from known-differences.ts?): ${staleShown.length} expressions`);
    for (const list of staleShown) lines.push(`  ${list[0]!.what}   [${kindsOf(list)}]`);
  }
  const notesShown = byExpression(errorNotes);
  if (notesShown.length > 0) {
    lines.push(`errors of the same type with different wording (${notesShown.length} expressions, not failures):`);
    for (const list of notesShown) lines.push(`  ${list[0]!.what}   [${kindsOf(list)}]`, ...list[0]!.comparison.notes.map((n) => `      ${n}`));
  }
  return lines.join('\n');
}
