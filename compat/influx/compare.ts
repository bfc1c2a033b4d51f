// How the compat suites compare an answer of RusTs with influxd's: same structure, floats to 1e-9
// relative, everything else exact. The first difference is reported with its JSON path.

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

function numbersMatch(a: number, b: number): boolean {
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** The first difference as `path: influxd ... rusts ...`, or undefined when the values match. */
export function diff(want: unknown, got: unknown, path = '$'): string | undefined {
  if (typeof want === 'number' && typeof got === 'number') return numbersMatch(want, got) ? undefined : `${path}: influxd ${want}, rusts ${got}`;
  if (Array.isArray(want) && Array.isArray(got)) {
    for (let i = 0; i < Math.min(want.length, got.length); i++) {
      const d = diff(want[i], got[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return want.length === got.length ? undefined : `${path}: influxd ${want.length} items, rusts ${got.length}`;
  }
  if (isObject(want) && isObject(got)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])].sort();
    for (const key of keys) {
      if (!(key in got)) return `${path}.${key}: missing in rusts (influxd ${short(want[key])})`;
      if (!(key in want)) return `${path}.${key}: extra in rusts (${short(got[key])})`;
      const d = diff(want[key], got[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return want === got ? undefined : `${path}: influxd ${short(want)}, rusts ${short(got)}`;
}

/** Status first, then the body. */
export function answerDiff(want: Answer, got: Answer): string | undefined {
  if (want.status !== got.status) return `status: influxd ${want.status} ${short(want.body)}, rusts ${got.status} ${short(got.body)}`;
  return diff(want.body, got.body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A response as an Answer: the JSON body, or `{ unparsable: text }`, or `{ empty: true }` for a 204. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  if (text === '') return { status: res.status, body: { empty: true } };
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: { unparsable: text } };
  }
}
