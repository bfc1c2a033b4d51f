import { DURATION_UNIT_NANOS, formatRfc3339Nano, type Timestamp } from '../../core/index.ts';
import { formatInZone, type ResultSeries, type ResultValue } from '../../query/index.ts';
import { jsonValue, timeIn } from '../json.ts';

/** A series in InfluxDB's answer: SHOW statements have no time column, and no name for some. */
export interface InfluxSeries {
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: ReadonlyArray<readonly ResultValue[]>;
  /** Set on each chunk of a chunked answer but the series' last one. */
  readonly partial?: boolean;
}

/** The answer to one statement of a `/query` request. */
export interface StatementResult {
  readonly statementId: number;
  readonly series?: readonly InfluxSeries[];
  /** Notes beside the result, such as influxd's deprecation warning for a change sent by GET. */
  readonly messages?: ReadonlyArray<{ readonly level: 'warning' | 'info'; readonly text: string }>;
  /** Set on each chunk of a chunked answer but the statement's last one. */
  readonly partial?: boolean;
  readonly error?: string;
  /**
   * Whether influxd emits the statement's rows in chunks: a SELECT, and SHOW SERIES and SHOW FIELD
   * KEYS, which it runs as SELECTs. Only their series are cut in a `chunked=true` answer; the other
   * statements' come whole. Not written out.
   */
  readonly inChunks?: boolean;
}

// InfluxDB's `epoch` units: its duration units, and `n` for nanoseconds.
const EPOCH_UNITS: Readonly<Record<string, bigint>> = { ...DURATION_UNIT_NANOS, n: 1n };

/**
 * How result times are written: RFC3339 with nanoseconds (InfluxDB's default, when `epoch` is
 * absent or empty), or integers in the `epoch` unit; an unknown unit means nanoseconds, as in influxd.
 */
export function timeFormatter(epoch: string | undefined, zone?: string): (ts: Timestamp) => ResultValue {
  if (epoch === undefined || epoch === '') return zone === undefined ? formatRfc3339Nano : (ts) => formatInZone(ts, zone);
  const unit = EPOCH_UNITS[epoch] ?? 1n;
  return (ts) => timeIn(ts, unit);
}

/** The executor's series in InfluxDB's shape: times formatted, `tags` left out when there are none. */
export function toInfluxSeries(series: ResultSeries, time: (ts: Timestamp) => ResultValue): InfluxSeries {
  const values = series.values.map((row) => {
    const out: ResultValue[] = new Array<ResultValue>(row.length);
    out[0] = time(row[0]);
    for (let i = 1; i < row.length; i++) out[i] = row[i] as ResultValue;
    return out;
  });
  return { name: series.name, ...(Object.keys(series.tags).length > 0 ? { tags: series.tags } : {}), columns: series.columns, values };
}

/**
 * The answer without `chunked=true`: `{"results":[...]}` exactly as InfluxDB writes it:
 * `statement_id`, then `series` or `error`, and nothing at all for a statement without output.
 * `pretty` indents it, as InfluxDB's `pretty=true`. influxd makes this answer from the chunks it
 * emits (see StatementResult.inChunks), 10,000 rows each, and merges a series' chunks back but
 * keeps the first one's `partial` flag: a series of more than 10,000 rows says `"partial":true`
 * although it is whole. Clients ignore the flag; it is kept so that the answer is influxd's.
 */
export function encodeResults(results: readonly StatementResult[], pretty = false): string {
  return encodeDocument(results.map(withMergedChunkFlags), pretty);
}

function withMergedChunkFlags(r: StatementResult): StatementResult {
  if (r.inChunks !== true || r.series === undefined || !r.series.some((s) => s.values.length > DEFAULT_CHUNK_SIZE)) return r;
  return { ...r, series: r.series.map((s) => (s.values.length > DEFAULT_CHUNK_SIZE ? { ...s, partial: true } : s)) };
}

function encodeDocument(results: readonly StatementResult[], pretty: boolean): string {
  const text = `{"results":[${results.map(encodeResult).join(',')}]}`;
  // Re-indenting through JSON.parse would turn int64 values into doubles: only for `pretty`, and
  // with bigints kept as their digits.
  return pretty ? indent(text) : text;
}

/** InfluxDB's rows per chunk: of a `chunked=true` answer that names no valid `chunk_size`, and of an answer without it (see encodeResults). */
export const DEFAULT_CHUNK_SIZE = 10_000;

/**
 * The `chunked=true` answer: one `{"results":[...]}` document per line. A statement whose rows
 * influxd emits in chunks (see StatementResult.inChunks) has one document per chunk of at most
 * `chunkSize` rows of one series, with influxd's `partial` flags on the series and the statement
 * that continue in the next document; any other has one document per series, whole and unflagged.
 */
export function encodeChunkedResults(results: readonly StatementResult[], chunkSize: number, pretty = false): string {
  const lines: string[] = [];
  for (const r of results) {
    const cut = r.inChunks === true;
    const chunks: StatementResult[] = [];
    for (const s of r.series ?? []) {
      const size = cut ? chunkSize : Math.max(1, s.values.length);
      for (let from = 0; from < s.values.length || from === 0; from += size) {
        const last = from + size >= s.values.length;
        chunks.push({ statementId: r.statementId, series: [{ ...s, values: s.values.slice(from, from + size), ...(last ? {} : { partial: true }) }] });
      }
    }
    if (chunks.length === 0) chunks.push({ statementId: r.statementId });
    const { series: _, ...rest } = r;
    // The statement's messages and error go with its last chunk.
    chunks[chunks.length - 1] = { ...rest, ...chunks[chunks.length - 1]! };
    for (let i = 0; i < chunks.length; i++) lines.push(encodeDocument([cut && i < chunks.length - 1 ? { ...chunks[i]!, partial: true } : chunks[i]!], pretty));
  }
  return `${lines.join('\n')}\n`;
}

function encodeResult(r: StatementResult): string {
  let out = `{"statement_id":${r.statementId}`;
  if (r.series !== undefined && r.series.length > 0) out += `,"series":[${r.series.map(encodeSeries).join(',')}]`;
  if (r.messages !== undefined && r.messages.length > 0) out += `,"messages":${JSON.stringify(r.messages)}`;
  if (r.partial === true) out += ',"partial":true';
  if (r.error !== undefined) out += `,"error":${JSON.stringify(r.error)}`;
  return `${out}}`;
}

function encodeSeries(s: InfluxSeries): string {
  let out = '{';
  if (s.name !== undefined) out += `"name":${JSON.stringify(s.name)},`;
  if (s.tags !== undefined) out += `"tags":${JSON.stringify(s.tags)},`;
  out += `"columns":${JSON.stringify(s.columns)}`;
  if (s.values.length > 0) out += `,"values":[${s.values.map((row) => `[${row.map(jsonValue).join(',')}]`).join(',')}]`;
  if (s.partial === true) out += ',"partial":true';
  return `${out}}`;
}

/** Indents compact JSON by four spaces per level (InfluxDB's pretty output), leaving strings and numbers as written. */
function indent(json: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i]!;
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        depth++;
        out += `${c}\n${'    '.repeat(depth)}`;
        break;
      case '}':
      case ']':
        depth--;
        out += `\n${'    '.repeat(depth)}${c}`;
        break;
      case ',':
        out += `,\n${'    '.repeat(depth)}`;
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/**
 * The `Accept: application/csv` answer as InfluxDB writes it: `name,tags,<columns>`, a line per
 * row, a blank line and a new header when the columns change. Give it times as integers (InfluxDB
 * writes nanoseconds in CSV unless `epoch` says otherwise).
 */
export function encodeCsv(results: readonly StatementResult[]): string {
  const lines: string[] = [];
  let header: string | undefined;
  for (const r of results) {
    for (const s of r.series ?? []) {
      const columnsLine = ['name', 'tags', ...s.columns].join(',');
      if (columnsLine !== header) {
        if (header !== undefined) lines.push('');
        lines.push(columnsLine);
        header = columnsLine;
      }
      const tags = Object.entries(s.tags ?? {})
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      for (const row of s.values) lines.push([csvCell(s.name ?? ''), csvCell(tags), ...row.map((v) => csvCell(v === null ? '' : typeof v === 'string' ? v : jsonValue(v)))].join(','));
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
