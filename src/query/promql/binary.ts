/**
 * Binary operators: arithmetic, comparisons (filtering, or 0/1 with `bool`) and the set
 * operators, between scalars and vectors, with Prometheus's vector matching. Matching is decided
 * per step, as in Prometheus: which series meet depends on which are present at that step.
 */
import { COMPARISON_OPS, type Binary, type BinaryOp, type VectorMatching } from './ast.ts';
import { PromqlExecutionError } from './errors.ts';
import { dropAll, formatLabels, keepOnly, keyIgnoring, keyOn, labelValue, withLabel, withoutName, type Labels } from './labels.ts';
import { mergeByLabels, newStepSeries, type StepSeries, type Steps, type Value, type VectorValue } from './values.ts';

export function binary(expr: Binary, lhs: Value, rhs: Value, steps: Steps): Value {
  const { op, returnBool } = expr;
  if (lhs.type === 'scalar' && rhs.type === 'scalar') {
    const values = new Float64Array(steps.count);
    const comparison = COMPARISON_OPS.has(op);
    for (let i = 0; i < steps.count; i++) {
      const l = lhs.values[i]!;
      const r = rhs.values[i]!;
      values[i] = comparison ? (compare(op, l, r) ? 1 : 0) : arithmetic(op, l, r);
    }
    return { type: 'scalar', values };
  }
  if (lhs.type === 'vector' && rhs.type === 'vector') return vectorBinary(expr, lhs, rhs, steps);
  if (lhs.type === 'vector' && rhs.type === 'scalar') return vectorScalar(op, returnBool, lhs, rhs.values, false);
  if (lhs.type === 'scalar' && rhs.type === 'vector') return vectorScalar(op, returnBool, rhs, lhs.values, true);
  throw new PromqlExecutionError(`binary expression between ${lhs.type} and ${rhs.type}`);
}

/** Whether the operator drops the metric name from its result (arithmetic does, a filter does not). */
function dropsName(op: BinaryOp, returnBool: boolean): boolean {
  return !COMPARISON_OPS.has(op) || returnBool;
}

/** An arithmetic operation on two elements. */
function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw new PromqlExecutionError(`operator "${op}" is not arithmetic`);
  }
}

function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw new PromqlExecutionError(`operator "${op}" is not a comparison`);
  }
}

/** Go's math.Pow, which differs from `**` for a base of 1 or -1 with a NaN or infinite exponent. */
function goPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

function vectorScalar(op: BinaryOp, returnBool: boolean, vector: VectorValue, scalar: Float64Array, scalarOnLeft: boolean): VectorValue {
  const comparison = COMPARISON_OPS.has(op);
  const drop = dropsName(op, returnBool);
  const out: StepSeries[] = [];
  for (const s of vector.series) {
    const result = newStepSeries(drop ? withoutName(s.labels) : s.labels, s.values.length);
    for (let i = 0; i < s.values.length; i++) {
      if (s.present[i] === 0) continue;
      const v = s.values[i]!;
      const l = scalarOnLeft ? scalar[i]! : v;
      const r = scalarOnLeft ? v : scalar[i]!;
      let value: number;
      if (!comparison) value = arithmetic(op, l, r);
      else if (returnBool) value = compare(op, l, r) ? 1 : 0;
      else if (compare(op, l, r)) value = v; // the vector's value passes the filter, whichever side it is on
      else continue;
      result.values[i] = value;
      result.present[i] = 1;
    }
    out.push(result);
  }
  return { type: 'vector', series: drop ? mergeByLabels(out) : out };
}

function vectorBinary(expr: Binary, lhs: VectorValue, rhs: VectorValue, steps: Steps): VectorValue {
  const matching = expr.matching!;
  const signature = (labels: Labels) => (matching.on ? keyOn(labels, matching.labels) : keyIgnoring(labels, matching.labels));
  const lsig = lhs.series.map((s) => signature(s.labels));
  const rsig = rhs.series.map((s) => signature(s.labels));
  switch (expr.op) {
    case 'and':
    case 'unless':
      return filterBySet(lhs, lsig, rhs, rsig, expr.op === 'and', steps);
    case 'or':
      return union(lhs, lsig, rhs, rsig, steps);
    default:
      return matched(expr, lhs, lsig, rhs, rsig, steps);
  }
}

/** Which signatures the side has at each step. */
function signaturesAt(side: VectorValue, sigs: readonly string[], step: number): Set<string> {
  const set = new Set<string>();
  side.series.forEach((s, j) => {
    if (s.present[step] === 1) set.add(sigs[j]!);
  });
  return set;
}

function filterBySet(lhs: VectorValue, lsig: readonly string[], rhs: VectorValue, rsig: readonly string[], keepMatches: boolean, steps: Steps): VectorValue {
  const out = lhs.series.map((s) => newStepSeries(s.labels, steps.count));
  for (let i = 0; i < steps.count; i++) {
    const right = signaturesAt(rhs, rsig, i);
    lhs.series.forEach((s, j) => {
      if (s.present[i] === 0 || right.has(lsig[j]!) !== keepMatches) return;
      out[j]!.values[i] = s.values[i]!;
      out[j]!.present[i] = 1;
    });
  }
  return { type: 'vector', series: out };
}

function union(lhs: VectorValue, lsig: readonly string[], rhs: VectorValue, rsig: readonly string[], steps: Steps): VectorValue {
  const left = lhs.series.map((s) => ({ labels: s.labels, values: s.values, present: s.present }));
  const right = rhs.series.map((s) => newStepSeries(s.labels, steps.count));
  for (let i = 0; i < steps.count; i++) {
    const taken = signaturesAt(lhs, lsig, i);
    rhs.series.forEach((s, j) => {
      if (s.present[i] === 0 || taken.has(rsig[j]!)) return;
      right[j]!.values[i] = s.values[i]!;
      right[j]!.present[i] = 1;
    });
  }
  return { type: 'vector', series: mergeByLabels([...left, ...right]) };
}

/** Arithmetic and comparisons between two vectors: one-to-one, many-to-one or one-to-many. */
function matched(expr: Binary, lhs: VectorValue, lsig: readonly string[], rhs: VectorValue, rsig: readonly string[], steps: Steps): VectorValue {
  const { op, returnBool } = expr;
  const matching = expr.matching!;
  const comparison = COMPARISON_OPS.has(op);
  // The "many" side (or the left one in one-to-one) drives; the other side is the "one" side.
  const swap = matching.card === 'one-to-many';
  const [many, manySig, one, oneSig] = swap ? [rhs, rsig, lhs, lsig] : [lhs, lsig, rhs, rsig];
  const outputs = new Map<string, StepSeries>();
  const order: StepSeries[] = [];
  for (let i = 0; i < steps.count; i++) {
    const oneAt = new Map<string, number>();
    one.series.forEach((s, j) => {
      if (s.present[i] === 0) return;
      const previous = oneAt.get(oneSig[j]!);
      if (previous !== undefined) {
        const side = swap ? 'left' : 'right';
        throw new PromqlExecutionError(
          `found duplicate series for the match group ${formatLabels(matchGroup(one.series[j]!.labels, matching))} on the ${side} hand-side of the operation: ` +
            `[${formatLabels(one.series[previous]!.labels)}, ${formatLabels(s.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneAt.set(oneSig[j]!, j);
    });
    const matchedSigs = new Map<string, Set<string> | null>();
    many.series.forEach((s, j) => {
      if (s.present[i] === 0) return;
      const sig = manySig[j]!;
      const partner = oneAt.get(sig);
      if (partner === undefined) return;
      const o = one.series[partner]!;
      const l = swap ? o.values[i]! : s.values[i]!;
      const r = swap ? s.values[i]! : o.values[i]!;
      let value: number;
      if (!comparison) value = arithmetic(op, l, r);
      else if (returnBool) value = compare(op, l, r) ? 1 : 0;
      else if (compare(op, l, r)) value = l;
      else return;
      const labels = resultLabels(s.labels, o.labels, op, returnBool, matching);
      const key = `${j}\u0002${partner}`;
      const seen = matchedSigs.get(sig);
      if (matching.card === 'one-to-one') {
        if (seen !== undefined) throw new PromqlExecutionError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matchedSigs.set(sig, null);
      } else {
        const labelKey = formatLabels(labels);
        if (seen === undefined || seen === null) matchedSigs.set(sig, new Set([labelKey]));
        else if (seen.has(labelKey)) throw new PromqlExecutionError('multiple matches for labels: grouping labels must ensure unique matches');
        else seen.add(labelKey);
      }
      let series = outputs.get(key);
      if (series === undefined) {
        series = newStepSeries(labels, steps.count);
        outputs.set(key, series);
        order.push(series);
      }
      series.values[i] = value;
      series.present[i] = 1;
    });
  }
  return { type: 'vector', series: mergeByLabels(order) };
}

/** The labels a match group is shown with in the duplicate-series message. */
function matchGroup(labels: Labels, matching: VectorMatching): Labels {
  return matching.on ? keepOnly(labels, matching.labels) : dropAll(labels, matching.labels);
}

/** Prometheus's result labels: from the "many" side, cut to the matching labels for one-to-one, plus `group_x` labels from the "one" side. */
function resultLabels(many: Labels, one: Labels, op: BinaryOp, returnBool: boolean, matching: VectorMatching): Labels {
  let labels = dropsName(op, returnBool) ? withoutName(many) : many;
  if (matching.card === 'one-to-one') {
    labels = matching.on ? keepOnly(labels, matching.labels) : labels.filter((l) => !matching.labels.includes(l.key));
  }
  for (const name of matching.include) labels = withLabel(labels, name, labelValue(one, name));
  return labels;
}
