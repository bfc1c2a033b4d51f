/** Label sets as PromQL handles them: sorted by name, compared and grouped by their text. */
import type { Tag } from '../../core/index.ts';
import { MEASUREMENT_NAME } from '../../index/index.ts';

export type Labels = readonly Tag[];

/** Prometheus's order of label sets: label by label, name then value; a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key) return x.key < y.key ? -1 : 1;
    if (x.value !== y.value) return x.value < y.value ? -1 : 1;
  }
  return a.length - b.length;
}

/** A string that identifies the label set (names and values cannot contain the separators' pair). */
export function labelsKey(labels: Labels): string {
  let key = '';
  for (const l of labels) key += `${l.key}\u0000${l.value}\u0001`;
  return key;
}

/** The key of only the labels `names` names (`on (...)`, `by (...)`); missing ones count as empty. */
export function keyOn(labels: Labels, names: readonly string[]): string {
  let key = '';
  for (const l of labels) if (names.includes(l.key)) key += `${l.key}\u0000${l.value}\u0001`;
  return key;
}

/** The key of the labels `names` does not name, and never `__name__` (`ignoring (...)`, `without (...)`). */
export function keyIgnoring(labels: Labels, names: readonly string[]): string {
  let key = '';
  for (const l of labels) if (l.key !== MEASUREMENT_NAME && !names.includes(l.key)) key += `${l.key}\u0000${l.value}\u0001`;
  return key;
}

export function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.key === name) return l.value;
  return '';
}

export function withoutName(labels: Labels): Labels {
  return labels.some((l) => l.key === MEASUREMENT_NAME) ? labels.filter((l) => l.key !== MEASUREMENT_NAME) : labels;
}

/** Only the labels `names` names. */
export function keepOnly(labels: Labels, names: readonly string[]): Labels {
  return labels.filter((l) => names.includes(l.key));
}

/** Without the labels `names` names, and without `__name__`. */
export function dropAll(labels: Labels, names: readonly string[]): Labels {
  return labels.filter((l) => l.key !== MEASUREMENT_NAME && !names.includes(l.key));
}

/** The labels with `name` set to `value` (removed when `value` is empty), still sorted. */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Tag[] = [];
  let placed = false;
  for (const l of labels) {
    if (l.key === name) continue;
    if (!placed && name < l.key) {
      if (value !== '') out.push({ key: name, value });
      placed = true;
    }
    out.push(l);
  }
  if (!placed && value !== '') out.push({ key: name, value });
  return out;
}

/** `{a="1", b="2"}` as Prometheus prints a label set in messages. */
export function formatLabels(labels: Labels): string {
  return `{${labels.map((l) => `${l.key}=${JSON.stringify(l.value)}`).join(', ')}}`;
}
