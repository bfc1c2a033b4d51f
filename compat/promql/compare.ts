// How the suite compares an answer of the system under test with Prometheus's: HTTP status and
// envelope status; for errors the errorType (the wording is only reported); for successes the
// resultType, the series sets by exact label set and every value, floats to 1e-6 relative.

/** An HTTP answer of /api/v1/query or /api/v1/query_range: status code and parsed JSON (undefined when not JSON). */
export interface Reply {
  readonly http: number;
  readonly body: Envelope | undefined;
  readonly text: string;
}

export interface Envelope {
  readonly status?: unknown;
  readonly data?: { readonly resultType?: unknown; readonly result?: unknown };
  readonly errorType?: unknown;
  readonly error?: unknown;
}

type Point = [number, string];
interface ApiSeries {
  readonly metric: Record<string, string>;
  readonly value?: Point;
  readonly values?: Point[];
}

/** The outcome of one comparison: `diffs` empty means a match; `notes` never fail a test. */
export interface Comparison {
  readonly diffs: string[];
  readonly notes: string[];
  /** Values equal within the tolerance but not bit for bit. */
  readonly inexact: number;
}

/** Relative tolerance for floats; the absolute floor keeps 1e-17 against 0 (summation order) equal. */
export const RELATIVE_TOLERANCE = 1e-6;
export const ABSOLUTE_FLOOR = 1e-12;

/** A value string of the API as a float64: "NaN", "+Inf", "-Inf" or a decimal. */
export function parseValue(s: string): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const n = Number(s);
  if (s.trim() === '' || Number.isNaN(n)) throw new Error(`not a Prometheus float: ${JSON.stringify(s)}`);
  return n;
}

/** 'exact' (same float64, NaN == NaN), 'close' (within the tolerance) or undefined (different). */
export function floatsMatch(a: number, b: number): 'exact' | 'close' | undefined {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 'exact' : undefined;
  if (a === b) return Object.is(a, b) || a !== 0 ? 'exact' : 'close'; // -0 vs 0: equal, but not the same string
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  const d = Math.abs(a - b);
  return d <= ABSOLUTE_FLOOR || d <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) ? 'close' : undefined;
}

/** Canonical key of a label set: the pairs sorted by name, as JSON. */
export function labelsKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

function short(value: unknown, n = 200): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > n ? `${text.slice(0, n - 3)}...` : text;
}

/**
 * Whether an instant query's answer has a meaningful order: the expression is, at its top level,
 * a call of sort/sort_desc or an ungrouped topk/bottomk (whose results come out sorted by value).
 * Grouped topk/bottomk order their groups in no documented way, so those compare as sets.
 */
export function isOrdered(expr: string): boolean {
  const e = stripOuterParens(expr.trim());
  const m = /^(sort|sort_desc|topk|bottomk)\s*\(/.exec(e);
  if (m === null) return false;
  return closingParen(e, m[0].length - 1) === e.length - 1;
}

function stripOuterParens(e: string): string {
  while (e.startsWith('(') && closingParen(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted strings; -1 if none. */
function closingParen(e: string, open: number): number {
  let depth = 0;
  for (let i = open; i < e.length; i++) {
    const c = e[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const q = c;
      for (i++; i < e.length && e[i] !== q; i++) if (e[i] === '\\' && q !== '`') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Error wording compared loosely: without positions and case, collapsed whitespace. */
function looseError(text: unknown): string {
  return String(text)
    .toLowerCase()
    .replace(/\d+:\d+:/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Two error texts from where they start to differ: `want "…x…", got "…y…"`. */
function textDiff(want: string, got: string): string {
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - 30);
  const cut = (s: string) => `${from > 0 ? '…' : ''}${s.slice(from, i + 70)}${s.length > i + 70 ? '…' : ''}`;
  return `want ${JSON.stringify(cut(want))}, got ${JSON.stringify(cut(got))}`;
}

/** Compare `got` (the system under test) with `want` (Prometheus 2.42). */
export function compareReplies(want: Reply, got: Reply, options: { ordered: boolean }): Comparison {
  const diffs: string[] = [];
  const notes: string[] = [];
  let inexact = 0;
  const result = (): Comparison => ({ diffs, notes, inexact });
  if (want.body === undefined) {
    diffs.push(`Prometheus answered ${want.http} with no JSON: ${want.text.slice(0, 200)}`);
    return result();
  }
  if (got.body === undefined) {
    diffs.push(`HTTP ${got.http} with no JSON (Prometheus: ${want.http} ${short(want.body, 120)}): ${got.text.slice(0, 200)}`);
    return result();
  }
  const w = want.body;
  const g = got.body;
  if (w.status !== g.status || want.http !== got.http) {
    diffs.push(`status: want ${want.http} ${String(w.status)} ${w.status === 'error' ? `${String(w.errorType)}: ${String(w.error)}` : ''}, got ${got.http} ${String(g.status)} ${g.status === 'error' ? `${String(g.errorType)}: ${String(g.error)}` : ''}`.replace(/\s+/g, ' '));
    return result();
  }
  if (w.status === 'error') {
    if (w.errorType !== g.errorType) diffs.push(`errorType: want ${String(w.errorType)}, got ${String(g.errorType)} (${String(g.error)})`);
    if (looseError(w.error) !== looseError(g.error)) notes.push(`error text: ${textDiff(String(w.error), String(g.error))}`);
    return result();
  }
  const wd = w.data;
  const gd = g.data;
  if (wd?.resultType !== gd?.resultType) {
    diffs.push(`resultType: want ${String(wd?.resultType)}, got ${String(gd?.resultType)}`);
    return result();
  }
  const count = (where: string, want: string, got: string) => {
    const m = compareValue(where, want, got);
    if (m === 'close') inexact++;
    else if (m !== 'exact') diffs.push(m);
  };
  switch (wd?.resultType) {
    case 'scalar':
    case 'string': {
      const [wp, gp] = [wd.result as Point, gd!.result as Point];
      if (!Array.isArray(gp) || gp.length !== 2) diffs.push(`result: want ${short(wp)}, got ${short(gp)}`);
      else if (wp[0] !== gp[0]) diffs.push(`timestamp: want ${wp[0]}, got ${gp[0]}`);
      else if (wd.resultType === 'string') {
        if (wp[1] !== gp[1]) diffs.push(`string: want ${short(wp[1])}, got ${short(gp[1])}`);
      } else count('scalar', wp[1], gp[1]);
      break;
    }
    case 'vector':
    case 'matrix': {
      const ws = wd.result as ApiSeries[];
      const gs = gd!.result as ApiSeries[];
      if (!Array.isArray(gs)) {
        diffs.push(`result is not an array: ${short(gs)}`);
        break;
      }
      if (options.ordered && wd.resultType === 'vector') compareOrder(ws, gs, diffs);
      compareSeriesSets(ws, gs, wd.resultType === 'vector', diffs, count);
      break;
    }
    default:
      diffs.push(`unknown resultType ${String(wd?.resultType)}`);
  }
  return result();
}

/** 'exact', 'close', or a description of the difference (value strings as the API prints them). */
function compareValue(where: string, want: string, got: string): 'exact' | 'close' | string {
  if (typeof got !== 'string') return `${where}: value ${short(got)} is not a string (want "${want}")`;
  let g: number;
  try {
    g = parseValue(got);
  } catch (e) {
    return `${where}: ${(e as Error).message}`;
  }
  const m = floatsMatch(parseValue(want), g);
  if (m === undefined) return `${where}: want ${want}, got ${got}`;
  // The same float64 must print the same way (Go's shortest 'f' format): "1e+21", "-0" and the like.
  if (m === 'exact' && want !== got) return `${where}: want the string ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
  return m;
}

/** The values of a sorted instant vector, position by position (ties may list their series in any order). */
function compareOrder(want: ApiSeries[], got: ApiSeries[], diffs: string[]): void {
  const n = Math.min(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const [wv, gv] = [want[i]!.value?.[1], got[i]!.value?.[1]];
    if (wv === undefined || gv === undefined || floatsMatch(parseValue(wv), parseValue(gv)) === undefined) {
      diffs.push(`order: #${i} want ${labelsKey(want[i]!.metric)}=${String(wv)}, got ${labelsKey(got[i]!.metric)}=${String(gv)}`);
      return;
    }
  }
}

function compareSeriesSets(want: ApiSeries[], got: ApiSeries[], instant: boolean, diffs: string[], count: (where: string, want: string, got: string) => void): void {
  const index = (list: ApiSeries[], who: string) => {
    const map = new Map<string, ApiSeries>();
    for (const s of list) {
      const key = labelsKey(s.metric ?? {});
      if (map.has(key)) diffs.push(`${who} lists the series ${key} twice`);
      map.set(key, s);
    }
    return map;
  };
  const w = index(want, 'Prometheus');
  const g = index(got, 'the answer');
  const missing = [...w.keys()].filter((k) => !g.has(k));
  const extra = [...g.keys()].filter((k) => !w.has(k));
  if (missing.length > 0) diffs.push(`missing ${missing.length} of ${w.size} series: ${missing.slice(0, 3).join(' ')}${missing.length > 3 ? ' ...' : ''}`);
  if (extra.length > 0) diffs.push(`${extra.length} extra series: ${extra.slice(0, 3).join(' ')}${extra.length > 3 ? ' ...' : ''}`);
  let differing = 0;
  for (const [key, ws] of w) {
    const gs = g.get(key);
    if (gs === undefined) continue;
    const before = diffs.length;
    const wp = instant ? [ws.value] : ws.values ?? [];
    const gp = instant ? [gs.value] : gs.values ?? [];
    if (!Array.isArray(gp) || gp.some((p) => !Array.isArray(p))) {
      diffs.push(`${key}: points ${short(gp)}`);
      continue;
    }
    const wt = wp.map((p) => p![0]);
    const gt = gp.map((p) => p![0]);
    if (wt.join() !== gt.join()) {
      const i = wt.findIndex((t, j) => t !== gt[j]);
      diffs.push(`${key}: ${wp.length} points, got ${gp.length}; first timestamp differing at #${i}: want ${wt[i]}, got ${gt[i]}`);
    } else {
      for (let i = 0; i < wp.length && diffs.length === before; i++) count(`${key} @${wt[i]}`, wp[i]![1], gp[i]![1]);
    }
    if (diffs.length > before) differing++;
    // One line per differing series is plenty: keep the first three.
    if (differing > 3) diffs.splice(before);
  }
  if (differing > 3) diffs.push(`... ${differing - 3} more series with differing values`);
}
