/**
 * Aggregation operators over the series of a vector, per group (`by`/`without`) and per step.
 * topk, bottomk and limitk keep the chosen input series as they are; the others produce one
 * series per group with the grouping labels (count_values one per group and value).
 */
import type { Aggregate } from './ast.ts';
import { PromqlExecutionError } from './errors.ts';
import { avgOf, KahanSum, quantileOf, stddevOf, stdvarOf } from './functions/index.ts';
import { formatFloatG, formatFloatPlain } from './format.ts';
import { dropAll, keepOnly, keyIgnoring, keyOn, labelsKey, withLabel, type Labels } from './labels.ts';
import { newStepSeries, type StepSeries, type Steps, type Value, type VectorValue } from './values.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Group {
  readonly labels: Labels;
  readonly members: StepSeries[];
}

export function aggregate(expr: Aggregate, input: VectorValue, param: Value | undefined, steps: Steps): VectorValue {
  const groups = groupsOf(expr, input.series);
  switch (expr.op) {
    case 'topk':
    case 'bottomk':
      return { type: 'vector', series: selectK(groups, scalarParam(param), expr.op === 'topk', steps) };
    case 'limitk':
      return { type: 'vector', series: limitK(groups, scalarParam(param), steps) };
    case 'limit_ratio':
      return { type: 'vector', series: limitRatio(input.series, scalarParam(param), steps) };
    case 'count_values':
      return { type: 'vector', series: countValues(groups, (param as { value: string }).value, steps) };
    default:
      return { type: 'vector', series: groups.map((g) => reduceGroup(expr.op, g, param, steps)).filter((s) => s.present.includes(1)) };
  }
}

function groupsOf(expr: Aggregate, series: readonly StepSeries[]): Group[] {
  const byKey = new Map<string, Group>();
  const groups: Group[] = [];
  for (const s of series) {
    const key = expr.without ? keyIgnoring(s.labels, expr.grouping) : keyOn(s.labels, expr.grouping);
    let group = byKey.get(key);
    if (group === undefined) {
      group = { labels: expr.without ? dropAll(s.labels, expr.grouping) : keepOnly(s.labels, expr.grouping), members: [] };
      byKey.set(key, group);
      groups.push(group);
    }
    group.members.push(s);
  }
  return groups;
}

function scalarParam(param: Value | undefined): Float64Array {
  if (param?.type !== 'scalar') throw new PromqlExecutionError('expected a scalar parameter');
  return param.values;
}

function reduceGroup(op: Aggregate['op'], group: Group, param: Value | undefined, steps: Steps): StepSeries {
  const out = newStepSeries(group.labels, steps.count);
  const values: number[] = [];
  const sum = new KahanSum();
  for (let i = 0; i < steps.count; i++) {
    if (op === 'sum' || op === 'count' || op === 'group') {
      // The common ones without gathering the values first.
      sum.reset();
      let count = 0;
      for (const m of group.members) {
        if (m.present[i] === 0) continue;
        count++;
        if (op === 'sum') sum.add(m.values[i]!);
      }
      if (count === 0) continue;
      out.present[i] = 1;
      out.values[i] = op === 'sum' ? sum.value : op === 'count' ? count : 1;
      continue;
    }
    values.length = 0;
    for (const m of group.members) if (m.present[i] === 1) values.push(m.values[i]!);
    if (values.length === 0) continue;
    out.present[i] = 1;
    out.values[i] = reduce(op, values, param?.type === 'scalar' ? param.values[i]! : NaN);
  }
  return out;
}

function reduce(op: Aggregate['op'], values: number[], param: number): number {
  switch (op) {
    case 'avg':
      return avgOf(values);
    case 'min':
    case 'max': {
      // A NaN gives way to any number after it, as in Prometheus.
      let result = values[0]!;
      for (let k = 1; k < values.length; k++) {
        const v = values[k]!;
        if (Number.isNaN(result) || (op === 'max' ? v > result : v < result)) result = v;
      }
      return result;
    }
    case 'stddev':
      return stddevOf(values);
    case 'stdvar':
      return stdvarOf(values);
    case 'quantile':
      return quantileOf(param, values);
    default:
      throw new PromqlExecutionError(`aggregation "${op}" has no single-value form`);
  }
}

/** topk / bottomk: the k highest (lowest) values of each group at each step; NaN ranks last either way. */
function selectK(groups: readonly Group[], k: Float64Array, top: boolean, steps: Steps): StepSeries[] {
  const chosen = new Map<StepSeries, StepSeries>();
  const order: StepSeries[] = [];
  for (let i = 0; i < steps.count; i++) {
    const n = kAt(k[i]!);
    if (n < 1) continue;
    for (const g of groups) {
      const present = g.members.filter((m) => m.present[i] === 1);
      present.sort((a, b) => rank(a.values[i]!, b.values[i]!, top));
      for (const m of present.slice(0, n)) {
        let out = chosen.get(m);
        if (out === undefined) {
          out = newStepSeries(m.labels, steps.count);
          chosen.set(m, out);
          order.push(out);
        }
        out.values[i] = m.values[i]!;
        out.present[i] = 1;
      }
    }
  }
  // An instant query shows them in rank order.
  if (steps.count === 1) order.sort((a, b) => rank(a.values[0]!, b.values[0]!, top));
  return order;
}

function rank(a: number, b: number, top: boolean): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return top ? b - a : a - b;
}

/** A step's k, as Prometheus converts it to an int64. */
function kAt(value: number): number {
  if (Number.isNaN(value)) throw new PromqlExecutionError('Parameter value is NaN');
  if (!(value < 2 ** 63 && value >= -(2 ** 63))) throw new PromqlExecutionError(`Scalar value ${formatFloatG(value)} overflows int64`);
  return Math.trunc(value);
}

/** limitk: k series of each group at each step, the same ones from step to step where they are present (by label order). */
function limitK(groups: readonly Group[], k: Float64Array, steps: Steps): StepSeries[] {
  const out = new Map<StepSeries, StepSeries>();
  for (let i = 0; i < steps.count; i++) {
    const n = kAt(k[i]!);
    for (const g of groups) {
      const present = g.members.filter((m) => m.present[i] === 1).sort((a, b) => (labelsKey(a.labels) < labelsKey(b.labels) ? -1 : 1));
      for (const m of present.slice(0, Math.max(0, n))) {
        let s = out.get(m);
        if (s === undefined) out.set(m, (s = newStepSeries(m.labels, steps.count)));
        s.values[i] = m.values[i]!;
        s.present[i] = 1;
      }
    }
  }
  return [...out.values()];
}

/**
 * limit_ratio: a share of the series, chosen by a hash of their labels so the same series stay in
 * from step to step; a negative ratio takes the complement. (Prometheus hashes differently, so the
 * chosen series differ from its; the share is the same.)
 */
function limitRatio(series: readonly StepSeries[], ratio: Float64Array, steps: Steps): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of series) {
    const position = hashRatio(labelsKey(s.labels));
    const kept = newStepSeries(s.labels, steps.count);
    for (let i = 0; i < steps.count; i++) {
      const r = Math.max(-1, Math.min(1, ratio[i]!));
      if (s.present[i] === 0 || !(r >= 0 ? position < r : position >= 1 + r)) continue;
      kept.values[i] = s.values[i]!;
      kept.present[i] = 1;
    }
    if (kept.present.includes(1)) out.push(kept);
  }
  return out;
}

function hashRatio(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 0x100000000;
}

function countValues(groups: readonly Group[], label: string, steps: Steps): StepSeries[] {
  if (!LABEL_NAME.test(label)) throw new PromqlExecutionError(`invalid label name "${label}"`);
  const out = new Map<string, StepSeries>();
  for (const g of groups) {
    for (let i = 0; i < steps.count; i++) {
      for (const m of g.members) {
        if (m.present[i] === 0) continue;
        const labels = withLabel(g.labels, label, formatFloatPlain(m.values[i]!));
        const key = labelsKey(labels);
        let s = out.get(key);
        if (s === undefined) out.set(key, (s = newStepSeries(labels, steps.count)));
        s.values[i] = (s.present[i] === 1 ? s.values[i]! : 0) + 1;
        s.present[i] = 1;
      }
    }
  }
  return [...out.values()];
}
