/**
 * From a Prometheus label set to a RusTs series: `__name__` is the measurement, every other
 * non-empty label a tag (DESIGN.md's data model), and what makes a label set unusable.
 */
import { canonicalSeriesKey, RustsError, type Tag } from '../../core/index.ts';

/** The label that names the metric. */
export const METRIC_NAME_LABEL = '__name__';

/** Bounds on one series' labels, from `[prometheus]` in the config. */
export interface LabelLimits {
  /** Most labels of one series, `__name__` included. */
  readonly maxLabelsPerSeries: number;
  /** Most UTF-8 bytes of one label name or value. */
  readonly maxLabelBytes: number;
}

export const DEFAULT_LABEL_LIMITS: LabelLimits = {
  // Kubernetes' richest metrics carry about 30 labels; beyond 64 a sender has a bug.
  maxLabelsPerSeries: 64,
  maxLabelBytes: 16 * 1024,
};

/** A label set that cannot name a series: its samples are refused with HTTP 400, the rest of the request is written. */
export class InvalidLabelsError extends RustsError {
  constructor(reason: string) {
    super('invalid_labels', reason);
  }
}

/** A series as remote write names it, once its labels are checked. */
export interface LabeledSeries {
  readonly key: string;
  readonly measurement: string;
  /** Sorted by key, without `__name__` and without empty values. */
  readonly tags: readonly Tag[];
}

/**
 * The series of labels `names[i]="values[i]"`, in any order. Names are any non-empty UTF-8 text
 * (remote write 2.0 and Prometheus 3 allow UTF-8 names; the legacy `[a-zA-Z_][a-zA-Z0-9_]*` is a
 * subset); a label with an empty value is absent, as in Prometheus. The caller has checked that
 * the bytes were valid UTF-8 and within `maxLabelBytes`.
 * @throws InvalidLabelsError for a missing or empty `__name__`, an empty or repeated name, too many labels
 */
export function seriesOfLabels(names: readonly string[], values: readonly string[], limits: LabelLimits): LabeledSeries {
  if (names.length > limits.maxLabelsPerSeries) {
    throw new InvalidLabelsError(`series ${describeLabels(names, values)} has ${names.length} labels, more than the limit of ${limits.maxLabelsPerSeries}`);
  }
  let measurement: string | undefined;
  const tags: Tag[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = values[i]!;
    if (name === '') throw new InvalidLabelsError(`series ${describeLabels(names, values)} has a label with an empty name`);
    if (name === METRIC_NAME_LABEL) {
      measurement = value;
    } else if (value !== '') {
      tags.push({ key: name, value });
    }
  }
  // Senders sort labels by name (Prometheus always does): names in strictly increasing order hold
  // no repeat, and leave the tags sorted already.
  const sorted = namesIncrease(names);
  // A label given twice is refused even when one of the two is empty.
  if (!sorted && names.length !== new Set(names).size) {
    const repeated = names.find((n, i) => names.indexOf(n) !== i)!;
    throw new InvalidLabelsError(`series ${describeLabels(names, values)} has label "${repeated}" more than once`);
  }
  if (measurement === undefined || measurement === '') throw new InvalidLabelsError(`series ${describeLabels(names, values)} has no metric name (label "${METRIC_NAME_LABEL}")`);
  if (!sorted) tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { key: canonicalSeriesKey(measurement, tags), measurement, tags };
}

function namesIncrease(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return false;
  return true;
}

// Enough of the label set to find the sender's bug, never the whole of a huge one.
const DESCRIBED_BYTES = 200;

/** `{a="1", b="2"}` as Prometheus prints label sets, cut short past a few hundred characters. */
export function describeLabels(names: readonly string[], values: readonly string[]): string {
  let text = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) text += ', ';
    text += `${names[i]}=${JSON.stringify(values[i])}`;
    if (text.length > DESCRIBED_BYTES) return text.slice(0, DESCRIBED_BYTES) + '...}';
  }
  return text + '}';
}
