/**
 * Function calls. The numeric work lives in ./functions (one value or one window at a time);
 * this module applies it across series and steps, and does the functions that work on labels or
 * on whole vectors (label_replace, absent, histogram_quantile, sort, scalar, ...).
 */
import { RE2JS } from 're2js';
import { MEASUREMENT_NAME } from '../../index/index.ts';
import type { Call, Expr } from './ast.ts';
import { PromqlExecutionError } from './errors.ts';
import { clampOutputsNothing, classicHistogramQuantile, dropsOf, RANGE_FUNCTIONS, VALUE_FUNCTIONS, type RangeWindow } from './functions/index.ts';
import { compareLabels, keyIgnoring, labelValue, withLabel, withoutName, type Labels } from './labels.ts';
import { mergeByLabels, newStepSeries, stepTime, type SampleSeries, type StepSeries, type Steps, type Value, type VectorValue } from './values.ts';

/** A range vector argument, read once: each series' samples and where its window ends at each step. */
export interface RangeArg {
  readonly series: readonly SampleSeries[];
  readonly ends: Float64Array;
  readonly rangeMs: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Range functions whose result keeps the metric name: they return a sample as it was. */
const KEEP_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time', 'label_replace', 'label_join', 'sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);
/** Range functions that look for counter resets in every window (see RangeWindow.drops). */
const COUNTER_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'increase']);
const TIME_FUNCTIONS: ReadonlySet<string> = new Set(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']);
const NATIVE_HISTOGRAM_FUNCTIONS: ReadonlySet<string> = new Set(['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar', 'histogram_fraction']);

export function callFunction(call: Call, args: ReadonlyArray<Value | RangeArg>, steps: Steps, sampleTimes: Float64Array[] | undefined): Value {
  const name = call.func;
  const range = args.find((a): a is RangeArg => 'ends' in a);
  if (name === 'absent_over_time') return absent(call.args[0]!, presentSteps(range!, steps), steps);
  if (range !== undefined) return rangeFunction(name, range, scalarArgs(args), steps);
  switch (name) {
    case 'time':
      return { type: 'scalar', values: Float64Array.from({ length: steps.count }, (_, i) => stepTime(steps, i) / 1000) };
    case 'pi':
      return { type: 'scalar', values: new Float64Array(steps.count).fill(Math.PI) };
    case 'vector': {
      const series = newStepSeries([], steps.count);
      series.values.set((args[0] as { values: Float64Array }).values);
      series.present.fill(1);
      return { type: 'vector', series: [series] };
    }
    case 'scalar':
      return scalarOf(args[0] as VectorValue, steps);
    case 'timestamp':
      return timestampOf(args[0] as VectorValue, steps, sampleTimes);
    case 'absent': {
      const present = new Uint8Array(steps.count);
      for (const s of (args[0] as VectorValue).series) for (let i = 0; i < steps.count; i++) present[i] ||= s.present[i]!;
      return absent(call.args[0]!, present, steps);
    }
    case 'sort':
    case 'sort_desc':
      return sortByValue(args[0] as VectorValue, name === 'sort_desc', steps);
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sortByLabel(args[0] as VectorValue, args.slice(1).map((a) => (a as { value: string }).value), name === 'sort_by_label_desc', steps);
    case 'label_replace':
      return labelReplace(args[0] as VectorValue, ...(args.slice(1).map((a) => (a as { value: string }).value) as [string, string, string, string]));
    case 'label_join':
      return labelJoin(args[0] as VectorValue, args.slice(1).map((a) => (a as { value: string }).value));
    case 'histogram_quantile':
      return histogramQuantile((args[0] as { values: Float64Array }).values, args[1] as VectorValue, steps);
  }
  // Native histograms are stored but not evaluated: there are no float histograms to answer with.
  if (NATIVE_HISTOGRAM_FUNCTIONS.has(name)) return { type: 'vector', series: [] };
  if (TIME_FUNCTIONS.has(name) && args.length === 0) {
    const now = newStepSeries([], steps.count);
    for (let i = 0; i < steps.count; i++) now.values[i] = stepTime(steps, i) / 1000;
    now.present.fill(1);
    return valueFunction(name, { type: 'vector', series: [now] }, [], steps);
  }
  return valueFunction(name, args[0] as VectorValue, scalarArgs(args), steps);
}

/** The scalar arguments besides the vector or range vector, per step. */
function scalarArgs(args: ReadonlyArray<Value | RangeArg>): Float64Array[] {
  return args.filter((a): a is Value & { type: 'scalar' } => 'type' in a && a.type === 'scalar').map((a) => a.values);
}

/** The scalar arguments of each step, built once for all series. */
function argsByStep(args: readonly Float64Array[], steps: Steps): ReadonlyArray<readonly number[]> {
  if (args.length === 0) return new Array<readonly number[]>(steps.count).fill(NO_ARGS);
  return Array.from({ length: steps.count }, (_, i) => args.map((a) => a[i]!));
}

const NO_ARGS: readonly number[] = [];

function valueFunction(name: string, input: VectorValue, args: readonly Float64Array[], steps: Steps): VectorValue {
  const f = VALUE_FUNCTIONS.get(name);
  if (f === undefined) throw new PromqlExecutionError(`function "${name}" is not implemented`);
  const out: StepSeries[] = [];
  const stepArgs = argsByStep(args, steps);
  for (const s of input.series) {
    const result = newStepSeries(withoutName(s.labels), steps.count);
    for (let i = 0; i < steps.count; i++) {
      if (s.present[i] === 0) continue;
      const extra = stepArgs[i]!;
      if (name === 'clamp' && clampOutputsNothing(extra[0]!, extra[1]!)) continue;
      result.values[i] = f(s.values[i]!, extra);
      result.present[i] = 1;
    }
    out.push(result);
  }
  return { type: 'vector', series: mergeByLabels(out) };
}

function rangeFunction(name: string, range: RangeArg, args: readonly Float64Array[], steps: Steps): VectorValue {
  const f = RANGE_FUNCTIONS.get(name);
  if (f === undefined) throw new PromqlExecutionError(`function "${name}" is not implemented`);
  const keepName = KEEP_NAME.has(name);
  const stepArgs = argsByStep(args, steps);
  const out: StepSeries[] = [];
  for (const s of range.series) {
    const result = newStepSeries(keepName ? s.labels : withoutName(s.labels), steps.count);
    const drops = COUNTER_FUNCTIONS.has(name) ? dropsOf(s.values) : undefined;
    const window: { -readonly [K in keyof RangeWindow]: RangeWindow[K] } = { ms: s.ms, values: s.values, from: 0, to: 0, startMs: 0, endMs: 0, evalMs: 0, drops };
    const bounds = windowsOf(s, range, steps);
    for (let i = 0; i < steps.count; i++) {
      if (bounds.from[i] === bounds.to[i]) continue;
      window.from = bounds.from[i]!;
      window.to = bounds.to[i]!;
      window.endMs = range.ends[i]!;
      window.startMs = window.endMs - range.rangeMs;
      // predict_linear predicts from the evaluation time, whatever offset and @ did to the window.
      window.evalMs = stepTime(steps, i);
      const v = f(window, stepArgs[i]!);
      if (v === undefined) continue;
      result.values[i] = v;
      result.present[i] = 1;
    }
    if (result.present.includes(1)) out.push(result);
  }
  return { type: 'vector', series: mergeByLabels(out) };
}

/** Each step's window as index bounds [from, to) into the series' samples. */
function windowsOf(s: SampleSeries, range: RangeArg, steps: Steps): { from: Int32Array; to: Int32Array } {
  const { ms } = s;
  const bounds = { from: new Int32Array(steps.count), to: new Int32Array(steps.count) };
  let from = 0;
  let to = 0;
  for (let i = 0; i < steps.count; i++) {
    const end = range.ends[i]!;
    const start = end - range.rangeMs;
    if (i > 0 && end < range.ends[i - 1]!) from = to = 0; // times went back (never with offset and @ alone)
    while (from < ms.length && ms[from]! <= start) from++;
    if (to < from) to = from;
    while (to < ms.length && ms[to]! <= end) to++;
    bounds.from[i] = from;
    bounds.to[i] = to;
  }
  return bounds;
}

/** Where any series of the range vector has a sample in its window. */
function presentSteps(range: RangeArg, steps: Steps): Uint8Array {
  const present = new Uint8Array(steps.count);
  for (const s of range.series) {
    const bounds = windowsOf(s, range, steps);
    for (let i = 0; i < steps.count; i++) if (bounds.from[i]! < bounds.to[i]!) present[i] = 1;
  }
  return present;
}

/**
 * absent / absent_over_time: 1 where nothing is present, labelled with the selector's equality
 * matchers (of a selector or a range selector; a subquery's answer has no labels).
 */
function absent(arg: Expr, present: Uint8Array, steps: Steps): VectorValue {
  let inner = arg;
  while (inner.kind === 'paren') inner = inner.expr;
  const selector = inner.kind === 'vector' ? inner : inner.kind === 'matrix' ? inner.vector : undefined;
  let labels: Labels = [];
  if (selector !== undefined) {
    // In matcher order: the first `=` on a label sets it, any later matcher on it takes it away again.
    const seen = new Set<string>();
    for (const m of selector.matchers) {
      if (m.name === MEASUREMENT_NAME) continue;
      if (m.op === '=' && !seen.has(m.name)) {
        labels = withLabel(labels, m.name, m.value);
        seen.add(m.name);
      } else {
        labels = withLabel(labels, m.name, '');
      }
    }
  }
  const out = newStepSeries(labels, steps.count);
  for (let i = 0; i < steps.count; i++) {
    if (present[i] === 1) continue;
    out.values[i] = 1;
    out.present[i] = 1;
  }
  return { type: 'vector', series: out.present.includes(1) ? [out] : [] };
}

function scalarOf(input: VectorValue, steps: Steps): Value {
  const values = new Float64Array(steps.count).fill(NaN);
  for (let i = 0; i < steps.count; i++) {
    let found = 0;
    for (const s of input.series) {
      if (s.present[i] === 0) continue;
      found++;
      values[i] = s.values[i]!;
    }
    if (found !== 1) values[i] = NaN;
  }
  return { type: 'scalar', values };
}

function timestampOf(input: VectorValue, steps: Steps, sampleTimes: Float64Array[] | undefined): VectorValue {
  const out = input.series.map((s, k) => {
    const result = newStepSeries(withoutName(s.labels), steps.count);
    for (let i = 0; i < steps.count; i++) {
      if (s.present[i] === 0) continue;
      result.values[i] = (sampleTimes?.[k]?.[i] ?? stepTime(steps, i)) / 1000;
      result.present[i] = 1;
    }
    return result;
  });
  return { type: 'vector', series: mergeByLabels(out) };
}

/** sort / sort_desc order an instant query's answer (NaN last either way); a range query's series keep their order. */
function sortByValue(input: VectorValue, descending: boolean, steps: Steps): VectorValue {
  if (steps.count !== 1) return input;
  const series = [...input.series].sort((a, b) => {
    const x = a.values[0]!;
    const y = b.values[0]!;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return descending ? y - x : x - y;
  });
  return { type: 'vector', series };
}

function sortByLabel(input: VectorValue, names: readonly string[], descending: boolean, steps: Steps): VectorValue {
  if (steps.count !== 1) return input;
  const collator = new Intl.Collator('en', { numeric: true });
  const series = [...input.series].sort((a, b) => {
    for (const name of names) {
      const c = collator.compare(labelValue(a.labels, name), labelValue(b.labels, name));
      if (c !== 0) return descending ? -c : c;
    }
    const c = compareLabels(a.labels, b.labels);
    return descending ? -c : c;
  });
  return { type: 'vector', series };
}

function labelReplace(input: VectorValue, dst: string, replacement: string, src: string, regex: string): VectorValue {
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${regex})$`, RE2JS.DOTALL);
  } catch (err) {
    throw new PromqlExecutionError(`invalid regular expression in label_replace(): ${regex}`);
  }
  if (!LABEL_NAME.test(dst)) throw new PromqlExecutionError(`invalid destination label name in label_replace(): ${dst}`);
  const named = re.namedGroups();
  const series = input.series.map((s) => {
    const m = re.matcher(labelValue(s.labels, src));
    if (!m.matches()) return s;
    const value = expandTemplate(replacement, (ref) => {
      const index = /^\d+$/.test(ref) ? Number(ref) : named[ref];
      return index === undefined || index > m.groupCount() ? '' : (m.group(index) ?? '');
    });
    return { ...s, labels: withLabel(s.labels, dst, value) };
  });
  return { type: 'vector', series: mergeByLabels(series) };
}

/**
 * Go's Regexp.Expand: `$name` or `${name}` is a group by number or name; the name after `$`
 * takes every letter, digit and underscore (`$1x` is group "1x"); `$$` is a dollar.
 */
function expandTemplate(template: string, group: (ref: string) => string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let ref: string | undefined;
    let end = i + 1;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const name = close < 0 ? '' : template.slice(i + 2, close);
      if (/^\w+$/.test(name)) {
        ref = name;
        end = close + 1;
      }
    } else {
      const name = /^\w+/.exec(template.slice(i + 1))?.[0];
      if (name !== undefined) {
        ref = name;
        end = i + 1 + name.length;
      }
    }
    if (ref === undefined) {
      out += c; // a malformed reference stays as written
      continue;
    }
    out += group(ref);
    i = end - 1;
  }
  return out;
}

function labelJoin(input: VectorValue, strings: readonly string[]): VectorValue {
  const [dst, separator, ...sources] = strings as [string, string, ...string[]];
  if (!LABEL_NAME.test(dst)) throw new PromqlExecutionError(`invalid destination label name in label_join(): ${dst}`);
  for (const src of sources) if (!LABEL_NAME.test(src)) throw new PromqlExecutionError(`invalid source label name in label_join(): ${src}`);
  const series = input.series.map((s) => ({ ...s, labels: withLabel(s.labels, dst, sources.map((src) => labelValue(s.labels, src)).join(separator)) }));
  return { type: 'vector', series: mergeByLabels(series) };
}

/** histogram_quantile over classic buckets: the series of each histogram differ only in `le`. */
function histogramQuantile(q: Float64Array, input: VectorValue, steps: Steps): VectorValue {
  const groups = new Map<string, { labels: Labels; buckets: Array<{ upperBound: number; series: StepSeries }> }>();
  for (const s of input.series) {
    const le = labelValue(s.labels, 'le');
    if (le === '') continue;
    const upperBound = parseLe(le);
    if (upperBound === undefined) continue;
    const key = keyIgnoring(s.labels, ['le']);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels: withoutName(s.labels).filter((l) => l.key !== 'le'), buckets: [] }));
    group.buckets.push({ upperBound, series: s });
  }
  const out: StepSeries[] = [];
  for (const group of groups.values()) {
    const result = newStepSeries(group.labels, steps.count);
    for (let i = 0; i < steps.count; i++) {
      const buckets = group.buckets.filter((b) => b.series.present[i] === 1).map((b) => ({ upperBound: b.upperBound, count: b.series.values[i]! }));
      if (buckets.length === 0) continue;
      result.values[i] = classicHistogramQuantile(q[i]!, buckets);
      result.present[i] = 1;
    }
    out.push(result);
  }
  return { type: 'vector', series: out };
}

/** An `le` value as Go's strconv.ParseFloat reads it. */
function parseLe(text: string): number | undefined {
  const t = text.trim() === text ? text : '';
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) && !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/i.test(t)) return undefined;
  return Number(t);
}
