/**
 * InfluxDB line protocol, parsed straight from the request Buffer into a WriteBatch's columns.
 *
 * The semantics are InfluxDB 1.x's (`models/points.go`, see research/protocols.md §1): the same
 * grammar, escape rules and error messages, and the same partial-write behaviour (every good
 * line is written, every bad one is reported as `unable to parse '<line>': <reason>`).
 *
 * Speed comes from three things: bytes are scanned by char code and no string is made for a
 * series or a field name already seen in this batch (the series is found by the raw bytes of
 * `measurement,tags`, each field by comparing its raw key bytes with the one at the same
 * position on the series' previous line); floats are parsed by Clinger's fast path; and
 * timestamps are split into ms + ns-within-ms from their digits, without BigInt.
 */
import {
  canonicalSeriesKey,
  FieldType,
  timestampMillis,
  timestampSubMillis,
  type BatchSeries,
  type Column,
  type Tag,
  type WriteBatch,
} from '../../core/index.ts';

export type Precision = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

export interface ParseOptions {
  readonly precision: Precision;
  /** Nanoseconds; used for lines without a timestamp. InfluxDB truncates "now" to the precision: the caller does that. */
  readonly defaultTime: bigint;
}

export interface LineError {
  /** 1-based physical line number of the line's first byte. */
  readonly line: number;
  /** InfluxDB's wording: `unable to parse '<line>': <reason>`. */
  readonly message: string;
}

export interface ParseResult {
  /** Lines written into the batch. */
  points: number;
  errors: LineError[];
}

const SPACE = 0x20;
const TAB = 0x09;
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const HASH = 0x23;

const MAX_KEY_LENGTH = 65535;

// Bounds of InfluxDB's time range (MIN/MAX_TIMESTAMP) in split form, so range checks compare numbers.
const MAX_MS = 9223372036854;
const MAX_SUB = 775806;
const MIN_MS = -9223372036855;
const MIN_SUB = 224194;
const TIME_RANGE_ERROR = 'time outside range -9223372036854775806 - 9223372036854775806';

// Exact powers of ten: every 10^k with k <= 22 is a float64 without rounding, which is what
// makes one multiplication or division in Clinger's fast path correctly rounded.
const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let k = 1; k < 23; k++) POW10[k] = POW10[k - 1]! * 10;

/** How a precision's digits become (ms, sub): the last `lowDigits` scaled by `lowScale` are the sub-ms ns, the rest times `msScale` the ms. */
const PRECISIONS: Record<Precision, { lowDigits: number; lowScale: number; msScale: number }> = {
  ns: { lowDigits: 6, lowScale: 1, msScale: 1 },
  us: { lowDigits: 3, lowScale: 1000, msScale: 1 },
  ms: { lowDigits: 0, lowScale: 0, msScale: 1 },
  s: { lowDigits: 0, lowScale: 0, msScale: 1000 },
  m: { lowDigits: 0, lowScale: 0, msScale: 60_000 },
  h: { lowDigits: 0, lowScale: 0, msScale: 3_600_000 },
};

/**
 * A series seen in this batch, with the field keys of its last line by position: devops-style
 * writers send the same fields in the same order every line, so one byte comparison per field
 * replaces a string and a lookup.
 */
class SeriesEntry {
  readonly slotKeys: Uint8Array[] = [];
  readonly slotNames: string[] = [];
  readonly slotTypes: FieldType[] = [];
  readonly slotColumns: Column[] = [];
  constructor(readonly series: BatchSeries) {}
}

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}
// Buffer's own latin1Slice skips toString's argument checks, which cost ~10% of a parse here
// (it is what toString('latin1') calls; Node has had it since v0.x, but does not document it).
const latin1: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as unknown as Partial<Latin1Slicer>).latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Latin1Slicer).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

// Per batch rather than per call, so a batch filled from several bodies keeps its fast path.
const entriesByBatch = new WeakMap<WriteBatch, Map<string, SeriesEntry>>();

/**
 * Parses `body` into `into`. Never throws on bad input: each bad line becomes a LineError and
 * the good lines are written, as InfluxDB does.
 */
export function parseLineProtocol(body: Buffer, options: ParseOptions, into: WriteBatch): ParseResult {
  let entries = entriesByBatch.get(into);
  if (entries === undefined) {
    entries = new Map();
    entriesByBatch.set(into, entries);
  }
  return new LineParser(body, options, into, entries).run();
}

class LineParser {
  private readonly len: number;
  private readonly lowDigits: number;
  private readonly lowScale: number;
  private readonly msScale: number;
  private readonly defaultMs: number;
  private readonly defaultSub: number;

  private err = '';
  /** The first newline / space at or after the current line's start (or len). */
  private nextNewline = -1;
  private nextSpace = -1;
  /** Whether a string field of the current line holds a newline, which then spans physical lines. */
  private stringNewline = false;
  // The fields of the current line, held until the whole line is known to be good.
  private nFields = 0;
  private readonly fTypes: FieldType[] = [];
  private fNums = new Float64Array(16);
  private readonly fObjs: (bigint | string | boolean | null)[] = [];
  /** The unescaped name, or null when the key matched the series' slot at that position. */
  private readonly fNames: (string | null)[] = [];
  private readonly fKeyStart: number[] = [];
  private readonly fKeyEnd: number[] = [];
  // The current line's series when its key is new to this batch.
  private newMeasurement = '';
  private newTags: Tag[] = [];
  private newKey = '';
  private ms = 0;
  private sub = 0;

  constructor(
    private readonly buf: Buffer,
    options: ParseOptions,
    private readonly batch: WriteBatch,
    private readonly entries: Map<string, SeriesEntry>,
  ) {
    this.len = buf.length;
    const p = PRECISIONS[options.precision];
    if (p === undefined) throw new TypeError(`unknown precision ${String(options.precision)}`);
    this.lowDigits = p.lowDigits;
    this.lowScale = p.lowScale;
    this.msScale = p.msScale;
    this.defaultMs = timestampMillis(options.defaultTime);
    this.defaultSub = timestampSubMillis(options.defaultTime);
  }

  run(): ParseResult {
    const { buf, len } = this;
    const errors: LineError[] = [];
    let points = 0;
    let pos = 0;
    let line = 1;
    while (pos < len) {
      let start = pos;
      let c = buf[start]!;
      // InfluxDB's skipWhitespace: spaces, tabs and NULs before a line.
      while ((c === SPACE || c === TAB || c === 0) && ++start < len) c = buf[start]!;
      if (start >= len) break;
      if (c === NL) {
        pos = start + 1;
        line++;
        continue;
      }
      if (c === CR && (start + 1 === len || buf[start + 1] === NL)) {
        pos = start + 2;
        line++;
        continue;
      }
      if (c === HASH) {
        const nl = buf.indexOf(NL, start);
        pos = nl < 0 ? len : nl + 1;
        line++;
        continue;
      }
      const end = this.parseLine(start);
      if (end >= 0) {
        points++;
        line += this.stringNewline ? 1 + this.newlinesIn(start, end) : 1;
        pos = end + 1;
      } else {
        // The line's extent by InfluxDB's own rule, so a bad line swallows what influxd's would.
        const lineEnd = scanLine(buf, start);
        const textEnd = lineEnd > start && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
        errors.push({ line, message: `unable to parse '${buf.toString('utf8', start, textEnd)}': ${this.err}` });
        line += 1 + this.newlinesIn(start, lineEnd);
        pos = lineEnd + 1;
      }
    }
    return { points, errors };
  }

  /** Newlines inside a line (only string fields can hold them); 0 on the fast path. */
  private newlinesIn(start: number, end: number): number {
    let n = 0;
    let at = this.buf.indexOf(NL, start);
    while (at >= 0 && at < end) {
      n++;
      at = this.buf.indexOf(NL, at + 1);
    }
    return n;
  }

  /** Parses and commits one point starting at `start`; returns the index of its terminating newline (or len), or -1 with `err` set. */
  private parseLine(start: number): number {
    const { buf, len } = this;
    // The key: measurement and tags, up to the first space not preceded by a backslash.
    // Native memchr finds the space and the newline faster than a loop over the key's bytes.
    // Both are remembered: when they lie beyond this line they are still the first ones after
    // the next line's start, so lines without a space cannot make the searches quadratic.
    if (this.nextSpace < start) {
      this.nextSpace = buf.indexOf(SPACE, start);
      if (this.nextSpace < 0) this.nextSpace = len;
    }
    if (this.nextNewline < start) {
      this.nextNewline = buf.indexOf(NL, start);
      if (this.nextNewline < 0) this.nextNewline = len;
    }
    let i = this.nextSpace;
    if (i >= len || this.nextNewline < i) return this.fail('missing fields');
    while (buf[i - 1] === BACKSLASH) {
      i++;
      while (i < len && buf[i] !== SPACE) {
        if (buf[i] === NL) return this.fail('missing fields');
        i++;
      }
      if (i >= len) return this.fail('missing fields');
    }
    const keyEnd = i;
    this.stringNewline = false;
    const rawKey = latin1(buf, start, keyEnd);
    const entry = this.entries.get(rawKey) ?? null;
    if (entry === null && !this.parseKey(start, keyEnd)) return -1;

    while (i < len && buf[i] === SPACE) i++;
    if (i >= len || isLineEnd(buf, i, len)) return this.fail('missing fields');

    // Fields.
    let k = 0;
    for (;;) {
      let ke = -1;
      if (entry !== null && k < entry.slotKeys.length) {
        const key = entry.slotKeys[k]!;
        const n = key.length;
        if (i + n < len && buf[i + n] === EQUALS) {
          let j = 0;
          while (j < n && buf[i + j] === key[j]) j++;
          if (j === n) ke = i + n;
        }
      }
      if (k === this.fTypes.length) this.growFields();
      this.fKeyStart[k] = i;
      if (ke >= 0) {
        this.fNames[k] = null;
      } else {
        ke = this.fieldKey(i);
        if (ke < 0) return -1;
        this.fNames[k] = unescape(buf, i, ke, FIELD_KEY_ESCAPES);
      }
      this.fKeyEnd[k] = ke;
      i = this.fieldValue(ke + 1, k);
      if (i < 0) return -1;
      k++;
      if (i < len && buf[i] === COMMA) {
        i++;
        continue;
      }
      break;
    }
    this.nFields = k;

    // Timestamp, optional, after one or more spaces.
    while (i < len && (buf[i] === SPACE || buf[i] === TAB || buf[i] === 0)) i++;
    let end: number;
    if (i >= len || isLineEnd(buf, i, len)) {
      this.ms = this.defaultMs;
      this.sub = this.defaultSub;
      end = i;
    } else {
      end = this.timestamp(i);
      if (end < 0) return -1;
    }
    if (end < len && buf[end] === CR) end++;

    this.commit(entry, rawKey, end);
    return end;
  }

  private fail(reason: string): -1 {
    this.err = reason;
    return -1;
  }

  private failKey(reason: string): false {
    this.err = reason;
    return false;
  }

  private growFields(): void {
    const k = this.fTypes.length;
    this.fTypes.push(FieldType.Float);
    this.fObjs.push(null);
    this.fNames.push(null);
    this.fKeyStart.push(0);
    this.fKeyEnd.push(0);
    if (k === this.fNums.length) {
      const nums = new Float64Array(k * 2);
      nums.set(this.fNums);
      this.fNums = nums;
    }
  }

  /** Writes the current line's fields into the batch; only called once the whole line parsed. */
  private commit(found: SeriesEntry | null, rawKey: string, lineEnd: number): void {
    let entry = found;
    if (entry === null) {
      entry = new SeriesEntry(this.batch.seriesByKey(this.newKey, this.newMeasurement, this.newTags));
      this.entries.set(rawKey, entry);
    }
    const { ms, sub } = this;
    for (let k = 0; k < this.nFields; k++) {
      const type = this.fTypes[k]!;
      let column: Column;
      if (this.fNames[k] === null && entry.slotTypes[k] === type) {
        column = entry.slotColumns[k]!;
      } else {
        const name = this.fNames[k] ?? entry.slotNames[k]!;
        column = entry.series.column(name, type);
        const key = Uint8Array.prototype.slice.call(this.buf, this.fKeyStart[k]!, this.fKeyEnd[k]!);
        if (k < entry.slotKeys.length) {
          entry.slotKeys[k] = key;
          entry.slotNames[k] = name;
          entry.slotTypes[k] = type;
          entry.slotColumns[k] = column;
        } else if (k === entry.slotKeys.length) {
          entry.slotKeys.push(key);
          entry.slotNames.push(name);
          entry.slotTypes.push(type);
          entry.slotColumns.push(column);
        }
      }
      if (column.length === column.capacity) grow(column, lineEnd, this.len);
      // A repeated field key in one line pushes twice at the same timestamp; the engine keeps
      // the value pushed last, which is InfluxDB's "last one wins".
      switch (type) {
        case FieldType.Float:
          column.pushFloat(ms, sub, this.fNums[k]!);
          break;
        case FieldType.Integer:
        case FieldType.Unsigned:
          column.pushBigInt(ms, sub, this.fObjs[k] as bigint);
          break;
        case FieldType.String:
          column.pushString(ms, sub, this.fObjs[k] as string);
          break;
        default:
          column.pushBoolean(ms, sub, this.fObjs[k] as boolean);
      }
    }
  }

  /** Parses measurement and tags of a key not yet in the batch into `new*`; false with `err` set when invalid. */
  private parseKey(start: number, end: number): boolean {
    const buf = this.buf;
    if (end - start > MAX_KEY_LENGTH) return this.failKey(`max key length exceeded: ${end - start} > ${MAX_KEY_LENGTH}`);
    if (buf[start] === COMMA) return this.failKey('missing measurement');
    // Here, as in influxd's scanKey, a separator is escaped when the byte before it is a backslash.
    let i = start;
    while (i < end && !(buf[i] === COMMA && buf[i - 1] !== BACKSLASH)) i++;
    const measurement = unescape(buf, start, i, MEASUREMENT_ESCAPES);
    const tags: Tag[] = [];
    while (i < end) {
      i++; // the comma
      const ks = i;
      while (i < end) {
        const c = buf[i]!;
        if ((c === EQUALS || c === COMMA) && buf[i - 1] !== BACKSLASH) break;
        i++;
      }
      if (i === ks) return this.failKey('missing tag key');
      if (i >= end || buf[i] === COMMA) return this.failKey('missing tag value');
      const ke = i;
      i++; // the equals sign
      const vs = i;
      while (i < end) {
        const c = buf[i]!;
        if (buf[i - 1] !== BACKSLASH) {
          if (c === COMMA) break;
          if (c === EQUALS) return this.failKey('invalid tag format');
        }
        i++;
      }
      if (i === vs) return this.failKey('missing tag value');
      tags.push({ key: unescape(buf, ks, ke, TAG_ESCAPES), value: unescape(buf, vs, i, TAG_ESCAPES) });
    }
    // Byte order of UTF-16 code units; the canonical key is ours, so this only has to be stable.
    tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let t = 1; t < tags.length; t++) {
      if (tags[t]!.key === tags[t - 1]!.key) return this.failKey('duplicate tags');
    }
    this.newMeasurement = measurement;
    this.newTags = tags;
    this.newKey = canonicalSeriesKey(measurement, tags);
    return true;
  }

  /** Scans a field key from `start`; returns the index of its `=`, or -1 with `err` set. */
  private fieldKey(start: number): number {
    const { buf, len } = this;
    let i = start;
    // influxd's scanFields skips a backslash and the byte after it, so `a\\=1` has key `a\\`.
    for (;;) {
      if (i >= len) return this.fail('invalid field format');
      const c = buf[i]!;
      if (c === BACKSLASH && i + 1 < len) {
        i += 2;
        continue;
      }
      if (c === EQUALS) break;
      if (c === SPACE || c === COMMA || isLineEnd(buf, i, len)) return this.fail('invalid field format');
      i++;
    }
    if (i === start) return this.fail('missing field key');
    return i;
  }

  /** Parses the value starting at `i` into field slot `k`; returns the index after it, or -1 with `err` set. */
  private fieldValue(i: number, k: number): number {
    const { buf, len } = this;
    if (i >= len) return this.fail('missing field value');
    const c = buf[i]!;
    if ((c >= 0x30 && c <= 0x39) || c === MINUS || c === DOT) return this.number(i, k);
    if (c === QUOTE) return this.string(i, k);
    if (c === COMMA || c === SPACE || isLineEnd(buf, i, len)) return this.fail('missing field value');
    if (c === 0x4e /* N */ || c === 0x6e /* n */) return this.fail('invalid number');
    return this.boolean(i, k);
  }

  /**
   * Numbers by Clinger's fast path: up to 15 significant digits and a decimal exponent within
   * ±22 make one exact integer and one exact power of ten, so a single IEEE multiplication or
   * division gives the correctly rounded value, bit for bit what Number() gives. Anything else
   * goes to slowNumber, which follows influxd's scanNumber for the error messages.
   */
  private number(start: number, k: number): number {
    const { buf, len } = this;
    let i = start;
    let neg = false;
    if (buf[i] === MINUS) {
      neg = true;
      i++;
    }
    let mantissa = 0;
    let significant = 0;
    let digits = 0;
    let exp10 = 0;
    let dot = false;
    let c = 0;
    for (; i < len; i++) {
      c = buf[i]!;
      const d = c - 0x30;
      if (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        if (mantissa !== 0) significant++;
        digits++;
        if (dot) exp10--;
      } else if (c === DOT && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (digits === 0) return this.slowNumber(start, k);
    let scientific = false;
    if (i < len && (c === 0x65 || c === 0x45) /* e E */) {
      scientific = true;
      i++;
      let expNeg = false;
      if (i < len && (buf[i] === MINUS || buf[i] === 0x2b) /* + */) {
        expNeg = buf[i] === MINUS;
        i++;
      }
      let e = 0;
      let expDigits = 0;
      for (; i < len; i++) {
        const d = buf[i]! - 0x30;
        if (d < 0 || d > 9) break;
        if (e < 100000) e = e * 10 + d;
        expDigits++;
      }
      if (expDigits === 0) return this.slowNumber(start, k);
      exp10 += expNeg ? -e : e;
    }
    if (i >= len) {
      // end of body: a float
    } else {
      c = buf[i]!;
      if (c === COMMA || c === SPACE || c === NL) {
        // a float
      } else if ((c === 0x69 /* i */ || c === 0x75) /* u */ && !dot && !scientific && isValueEnd(buf, i + 1, len)) {
        if (significant <= 15) {
          const isInt = c === 0x69;
          if (!isInt && neg) return this.slowNumber(start, k);
          this.fTypes[k] = isInt ? FieldType.Integer : FieldType.Unsigned;
          this.fObjs[k] = BigInt(neg ? -mantissa : mantissa);
          return i + 1;
        }
        return this.slowNumber(start, k);
      } else if (!isLineEnd(buf, i, len)) {
        return this.slowNumber(start, k);
      }
    }
    let value: number;
    if (significant <= 15 && exp10 >= -22 && exp10 <= 22) {
      value = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
      if (neg) value = -value;
    } else {
      value = Number(buf.toString('latin1', start, i));
      if (!Number.isFinite(value)) return this.fail('invalid float');
    }
    this.fTypes[k] = FieldType.Float;
    this.fNums[k] = value;
    return i;
  }

  /** influxd's scanNumber, for the rare forms and every error: same checks, same messages. */
  private slowNumber(start: number, k: number): number {
    const { buf, len } = this;
    let i = start;
    let isInt = false;
    let isUnsigned = false;
    if (buf[i] === MINUS) {
      i++;
      if (isValueEnd(buf, i, len)) return this.fail('invalid number');
    }
    let decimal = false;
    let scientific = false;
    while (!isValueEnd(buf, i, len)) {
      const c = buf[i]!;
      if (isInt || isUnsigned) return this.fail('invalid number'); // nothing may follow the suffix
      if (c === 0x69 && i > start) {
        isInt = true;
        i++;
        continue;
      }
      if (c === 0x75 && i > start) {
        isUnsigned = true;
        i++;
        continue;
      }
      if (c === DOT) {
        if (decimal) return this.fail('invalid number');
        decimal = true;
      }
      if (i > start && (c === 0x65 || c === 0x45)) {
        scientific = true;
        i++;
        continue;
      }
      if ((c === 0x2b || c === MINUS) && (buf[i - 1] === 0x65 || buf[i - 1] === 0x45)) {
        i++;
        continue;
      }
      if (!((c >= 0x30 && c <= 0x39) || c === DOT)) return this.fail('invalid number');
      i++;
    }
    if ((isInt || isUnsigned) && (decimal || scientific)) return this.fail('invalid number');
    let numericDigits = i - start;
    if (isInt || isUnsigned) numericDigits--;
    if (decimal) numericDigits--;
    if (buf[start] === MINUS) numericDigits--;
    if (numericDigits <= 0) return this.fail('invalid number');
    if (isInt || isUnsigned) {
      const text = buf.toString('latin1', start, i - 1);
      const fn = isInt ? 'ParseInt' : 'ParseUint';
      const what = isInt ? 'integer' : 'unsigned';
      // Both forms are plain digits with an optional '-' here, so BigInt() cannot throw.
      if (isUnsigned && text.charCodeAt(0) === MINUS) {
        return this.fail(`unable to parse ${what} ${text}: strconv.${fn}: parsing "${text}": invalid syntax`);
      }
      const value = BigInt(text);
      const inRange = isInt ? value >= -(2n ** 63n) && value < 2n ** 63n : value < 2n ** 64n;
      if (!inRange) return this.fail(`unable to parse ${what} ${text}: strconv.${fn}: parsing "${text}": value out of range`);
      this.fTypes[k] = isInt ? FieldType.Integer : FieldType.Unsigned;
      this.fObjs[k] = value;
      return i;
    }
    const value = Number(buf.toString('latin1', start, i));
    // Go's ParseFloat rejects what Number() makes NaN (`1e`, `1e5e5`) and overflows (±Inf).
    if (!Number.isFinite(value)) return this.fail('invalid float');
    this.fTypes[k] = FieldType.Float;
    this.fNums[k] = value;
    return i;
  }

  /** A double-quoted string; `\"` and `\\` are its only escapes, other backslashes stay. */
  private string(start: number, k: number): number {
    const { buf, len } = this;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      if (i >= len) return this.fail('unbalanced quotes');
      const c = buf[i]!;
      if (c === BACKSLASH && i + 1 < len && (buf[i + 1] === QUOTE || buf[i + 1] === BACKSLASH)) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === QUOTE) break;
      if (c === NL) this.stringNewline = true;
      i++;
    }
    // Something glued to the closing quote (`"a"b`) is not a value influxd can store either.
    if (!isValueEnd(buf, i + 1, len)) return this.fail('invalid field format');
    this.fTypes[k] = FieldType.String;
    this.fObjs[k] = escaped ? unescape(buf, start + 1, i, STRING_ESCAPES) : buf.toString('utf8', start + 1, i);
    return i + 1;
  }

  /** `t T true True TRUE f F false False FALSE`, nothing else. */
  private boolean(start: number, k: number): number {
    const { buf, len } = this;
    let i = start;
    while (!isValueEnd(buf, i, len)) i++;
    const n = i - start;
    const c = buf[start]!;
    let value: boolean;
    if (n === 1 && (c === 0x74 || c === 0x54)) value = true;
    else if (n === 1 && (c === 0x66 || c === 0x46)) value = false;
    else {
      const text = buf.toString('latin1', start, i);
      if (text === 'true' || text === 'True' || text === 'TRUE') value = true;
      else if (text === 'false' || text === 'False' || text === 'FALSE') value = false;
      else return this.fail('invalid boolean');
    }
    this.fTypes[k] = FieldType.Boolean;
    this.fObjs[k] = value;
    return i;
  }

  /**
   * The timestamp at `start`: an optional '-' and digits, scaled by the precision into
   * (this.ms, this.sub) from the digits themselves, so no float rounding and no BigInt.
   * Returns the index of the line end, or -1 with `err` set.
   */
  private timestamp(start: number): number {
    const { buf, len } = this;
    let i = start;
    const neg = buf[i] === MINUS;
    if (neg) i++;
    const digitsStart = i;
    while (i < len && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    const digitsEnd = i;
    if (i < len && buf[i] !== SPACE && !isLineEnd(buf, i, len)) return this.fail('bad timestamp');
    // Only spaces may follow, as in influxd.
    let end = i;
    while (end < len && buf[end] === SPACE) end++;
    if (end < len && !isLineEnd(buf, end, len)) return this.fail('point is invalid');
    if (end < len && buf[end] === CR) end++; // now at '\n'

    const text = (): string => buf.toString('latin1', start, digitsEnd);
    if (digitsEnd === digitsStart) return this.fail(`strconv.ParseInt: parsing "${text()}": invalid syntax`);
    let ds = digitsStart;
    while (ds < digitsEnd - 1 && buf[ds] === 0x30) ds++;
    const significant = digitsEnd - ds;
    if (significant > 19 || (significant === 19 && buf.toString('latin1', ds, digitsEnd) > (neg ? '9223372036854775808' : '9223372036854775807'))) {
      return this.fail(`strconv.ParseInt: parsing "${text()}": value out of range`);
    }
    const lowStart = Math.max(ds, digitsEnd - this.lowDigits);
    let high = 0;
    for (let j = ds; j < lowStart; j++) high = high * 10 + (buf[j]! - 0x30);
    let low = 0;
    for (let j = lowStart; j < digitsEnd; j++) low = low * 10 + (buf[j]! - 0x30);
    // Past 2^53 the products round, but such values are far outside the range checked below.
    let ms = high * this.msScale;
    let sub = low * this.lowScale;
    if (neg) {
      if (sub > 0) {
        ms = -ms - 1;
        sub = 1_000_000 - sub;
      } else {
        ms = 0 - ms; // 0 - 0 is +0, never -0
      }
    }
    if (ms > MAX_MS || (ms === MAX_MS && sub > MAX_SUB) || ms < MIN_MS || (ms === MIN_MS && sub < MIN_SUB)) {
      return this.fail(TIME_RANGE_ERROR);
    }
    this.ms = ms;
    this.sub = sub;
    return end;
  }
}

/**
 * Grows a full column to what it will likely need for the rest of this body: its share of the
 * lines so far times the bytes still to parse. Growing by doubling instead costs a new set of
 * typed arrays and a copy per doubling, about 40% of the parse time with 5,000-line bodies
 * (research/probes.md, item 3). The 8x cap bounds the memory a wrong guess can take.
 */
function grow(column: Column, pos: number, len: number): void {
  const n = column.length;
  const need = pos > 0 ? Math.ceil((n * (len - pos)) / pos) + 1 : n;
  column.reserve(Math.min(Math.max(need, n), 8 * n));
}

/** A line ends at '\n', at the end of the body, or at a '\r' right before either (CRLF bodies). */
function isLineEnd(buf: Buffer, i: number, len: number): boolean {
  if (i >= len) return true;
  const c = buf[i]!;
  return c === NL || (c === CR && (i + 1 === len || buf[i + 1] === NL));
}

/** A field value ends at ',', ' ' or the line end. */
function isValueEnd(buf: Buffer, i: number, len: number): boolean {
  if (i >= len) return true;
  const c = buf[i]!;
  return c === COMMA || c === SPACE || isLineEnd(buf, i, len);
}

/**
 * influxd's scanLine: where a line ends, skipping escaped bytes and newlines inside a string
 * field value. Used to find the extent of a bad line, so it is reported and skipped as influxd would.
 */
function scanLine(buf: Buffer, start: number): number {
  const len = buf.length;
  let i = start;
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < len) {
    const c = buf[i]!;
    if (c === BACKSLASH && i + 2 < len) {
      i += 2;
      continue;
    }
    if (c === SPACE) fields = true;
    if (fields) {
      if (!quoted && c === EQUALS) {
        i++;
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        i++;
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        i++;
        quoted = !quoted;
        continue;
      }
    }
    if (c === NL && !quoted) break;
    i++;
  }
  return i;
}

// Which bytes a backslash escapes in each element (research/protocols.md §1.2); any other
// backslash is kept as it is.
const MEASUREMENT_ESCAPES = escapeSet(',', ' ');
const TAG_ESCAPES = escapeSet(',', '=', ' ');
const FIELD_KEY_ESCAPES = escapeSet(',', '"', ' ', '=');
const STRING_ESCAPES = escapeSet('"', '\\');

function escapeSet(...chars: string[]): Uint8Array {
  const set = new Uint8Array(256);
  for (const ch of chars) set[ch.charCodeAt(0)] = 1;
  return set;
}

/** The UTF-8 text of bytes [start, end) with the escapes of `escapes` removed. */
function unescape(buf: Buffer, start: number, end: number, escapes: Uint8Array): string {
  // A loop, not buf.indexOf: that would search the rest of the body when there is no backslash.
  let first = start;
  while (first < end && buf[first] !== BACKSLASH) first++;
  if (first === end) return buf.toString('utf8', start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === BACKSLASH && i + 1 < end && escapes[buf[i + 1]!] === 1) {
      out[n++] = buf[++i]!;
    } else {
      out[n++] = c;
    }
  }
  return out.toString('utf8', 0, n);
}
