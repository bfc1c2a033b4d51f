/**
 * InfluxDB line protocol, parsed straight from the request Buffer into a WriteBatch's columns.
 *
 * The semantics are InfluxDB 1.x's (`models/points.go`, see research/protocols.md §1): the same
 * grammar, escape rules and error messages, and the same partial-write behaviour (every good
 * line is written, every bad one is reported as `unable to parse '<line>': <reason>`).
 *
 * Speed comes from doing per line only what the line needs (research/probes.md §1, measured
 * with bench/lineprotocol.bench.ts):
 * - the key (`measurement,tags`) is found and hashed four bytes at a time (key.ts) and looked up
 *   by its raw bytes among the series met before, in this batch or earlier ones (known.ts), so
 *   its tags are parsed once per process, not once per line or batch;
 * - each field key is compared by bytes with the one at the same position on the series' last
 *   line, so no string is made for it;
 * - plain decimals are read in the line loop by Clinger's fast path, longer ones exactly without
 *   a string (numbers.ts); timestamps are split into ms + ns-within-ms from their digits;
 * - samples are staged, then moved into columns made to size, cut from one buffer per body
 *   (columns.ts).
 * The line loop calls out only for rarer forms, so V8's inlining budget is not a factor
 * (the flags of probes.md 1e changed nothing measurable here).
 */
import { FieldType, timestampMillis, timestampSubMillis, type WriteBatch } from '../../core/index.ts';
import { BatchTable, Stage, type SeriesEntry } from './columns.ts';
import { INVALID_NUMBER, lineError, MISSING_FIELD_VALUE, MISSING_FIELDS } from './errors.ts';
import { FIELD_KEY_ESCAPES, unescape } from './escape.ts';
import { parseSeriesKey, scanKey, type SeriesKey } from './key.ts';
import { internLayout, KnownSeries, KnownSeriesCache, Layout } from './known.ts';
import { EXACT_MANTISSA, parseNumber, plainDecimal, POW10 } from './numbers.ts';
import { ParseOut } from './out.ts';
import { BytePacker, COMMA, copyBytes, CR, DOT, EQUALS, HASH, isLineEnd, MINUS, newlinesIn, NL, QUOTE, sameBytes, scanLine, SPACE, TAB, ZERO } from './scan.ts';
import { parseTimestamp, scaleOf, type Precision, type Scale } from './timestamp.ts';
import { parseBoolean, parseString, scanFieldKey } from './values.ts';

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

const NINE = ZERO + 9;
const NO_TARGETS: readonly number[] = [];

/** Series keys met in earlier batches: up to 2 x 16,384 series of about 1 KB each. */
const knownSeries = new KnownSeriesCache(16_384);
const rawKeys = new BytePacker();
// Parsing is synchronous, so one stage serves every call.
const stage = new Stage();

/**
 * Parses `body` into `into`. Never throws on bad input: each bad line becomes a LineError and
 * the good lines are written, as InfluxDB does. The body may be reused once this returns.
 */
export function parseLineProtocol(body: Buffer, options: ParseOptions, into: WriteBatch): ParseResult {
  const parser = new LineParser(body, options, into);
  stage.clear();
  try {
    return parser.run();
  } finally {
    stage.clear();
    parser.table.unhook();
  }
}

class LineParser {
  private readonly len: number;
  private readonly scale: Scale;
  private readonly defaultMs: number;
  private readonly defaultSub: number;
  readonly table: BatchTable;
  private readonly out = new ParseOut();
  private points = 0;
  private readonly errors: LineError[] = [];

  /** Spans `buf`, for reading it four bytes at a time. */
  private readonly view: DataView;
  /** Whether the current line has a string field, which may hold newlines. */
  private hasString = false;
  // Fields of the current line that are new to their slot, by position, resolved when the line is good.
  private readonly newNames: string[] = [];
  private readonly newTypes: FieldType[] = [];
  private readonly newKeyStarts: number[] = [];
  private readonly newKeyEnds: number[] = [];

  constructor(
    private readonly buf: Buffer,
    options: ParseOptions,
    private readonly batch: WriteBatch,
  ) {
    this.len = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.scale = scaleOf(options.precision);
    this.defaultMs = timestampMillis(options.defaultTime);
    this.defaultSub = timestampSubMillis(options.defaultTime);
    this.table = BatchTable.of(batch);
  }

  run(): ParseResult {
    this.parseLines();
    stage.flush(this.table);
    return { points: this.points, errors: this.errors };
  }

  /**
   * Stages every line. Called once per body, its loop is optimized on stack (OSR) during the
   * first call, before any code after the loop has run; such code would then lack type feedback
   * and deoptimize the cached OSR code on every later call. So nothing follows the loop here
   * (the same holds for the loops of Stage.flush).
   */
  private parseLines(): void {
    const { buf, len, errors } = this;
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
      const objects = stage.objects.length;
      const end = this.parseLine(start);
      if (end >= 0) {
        this.points++;
        line += this.hasString ? 1 + newlinesIn(buf, start, end) : 1;
        pos = end + 1;
      } else {
        stage.objects.length = objects;
        // The line's extent by InfluxDB's own rule, so a bad line swallows what influxd's would.
        const lineEnd = scanLine(buf, start);
        const textEnd = lineEnd > start && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
        errors.push({ line, message: lineError(buf.toString('utf8', start, textEnd), this.out.err) });
        line += 1 + newlinesIn(buf, start, lineEnd);
        pos = lineEnd + 1;
      }
    }
  }

  /**
   * Parses one line starting at `start` and stages its samples. Returns the index of its
   * terminating newline (or len), or -1 with `out.err` set and nothing staged.
   */
  private parseLine(start: number): number {
    const { buf, view, len, out } = this;
    let i = scanKey(buf, view, start, len, out);
    if (i < 0) return -1;
    const keyEnd = i;
    const hash = out.hash;
    const known = knownSeries.get(buf, view, start, keyEnd, hash);
    let entry: SeriesEntry | undefined;
    let layout = Layout.EMPTY;
    let parsedKey: SeriesKey | null = null;
    if (known !== undefined) {
      entry = this.table.entryOf(known);
      layout = entry !== undefined ? entry.layout : known.layout;
    } else {
      parsedKey = parseSeriesKey(buf, start, keyEnd, out);
      if (parsedKey === null) return -1;
    }
    while (i < len && buf[i] === SPACE) i++;
    if (i >= len || isLineEnd(buf, i, len)) return out.fail(MISSING_FIELDS);

    // Fields, each staged as one sample. A field whose key and type are those of its slot goes
    // straight to the slot's target; the others are resolved in commitNew once the line is good.
    const base = stage.samples;
    let targets = stage.target;
    let values = stage.value;
    const slotKeys = layout.keys;
    const slotTargets = entry !== undefined ? entry.slotTargets : NO_TARGETS;
    let allKnown = true;
    this.hasString = false;
    let k = 0;
    for (;;) {
      const keyStart = i;
      let keyEnd = -1;
      if (k < slotKeys.length) {
        const key = slotKeys[k]!;
        const n = key.byteLength;
        if (i + n < len && buf[i + n] === EQUALS && sameBytes(buf, view, i, key, 0, n)) keyEnd = i + n;
      }
      let name: string | null = null;
      if (keyEnd < 0) {
        keyEnd = scanFieldKey(buf, i, len, out);
        if (keyEnd < 0) return -1;
        name = unescape(buf, i, keyEnd, FIELD_KEY_ESCAPES);
      }
      i = keyEnd + 1;

      // The value. Plain decimals ([-]digits[.digits]) are read here (see numbers.ts).
      if (i >= len) return out.fail(MISSING_FIELD_VALUE);
      let type: FieldType = FieldType.Float;
      let value = 0;
      const c0 = buf[i]!;
      if ((c0 >= ZERO && c0 <= NINE) || c0 === MINUS || c0 === DOT) {
        let j = c0 === MINUS ? i + 1 : i;
        const digitsStart = j;
        let mantissa = 0;
        let c = 0;
        while (j < len && (c = buf[j]!) >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          j++;
        }
        let fraction = 0;
        if (j < len && c === DOT) {
          const fractionStart = ++j;
          while (j < len && (c = buf[j]!) >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            j++;
          }
          fraction = j - fractionStart;
        }
        const after = j < len ? buf[j]! : NL;
        value = NaN;
        if ((after === COMMA || after === SPACE || after === NL) && j - digitsStart > (fraction > 0 || buf[j - 1] === DOT ? 1 : 0)) {
          if (mantissa < EXACT_MANTISSA && fraction <= 22) {
            value = mantissa / POW10[fraction]!;
            if (c0 === MINUS) value = -value;
          } else {
            value = plainDecimal(buf, i, j); // full-precision floats
          }
        }
        if (value === value) {
          i = j;
        } else {
          i = parseNumber(buf, i, len, out);
          if (i < 0) return -1;
          type = out.type;
          value = type === FieldType.Float ? out.num : stage.objects.push(out.obj) - 1;
        }
      } else {
        i = this.otherValue(i);
        if (i < 0) return -1;
        type = out.type;
        value = type === FieldType.Boolean ? out.num : stage.objects.push(out.obj) - 1;
      }

      const s = base + k;
      if (s === targets.length) {
        stage.growSamples();
        targets = stage.target;
        values = stage.value;
      }
      values[s] = value;
      if (name === null && layout.types[k] === type && k < slotTargets.length && slotTargets[k]! >= 0) {
        targets[s] = slotTargets[k]!;
      } else {
        targets[s] = -1;
        allKnown = false;
        if (k === this.newNames.length) this.growFields();
        this.newNames[k] = name ?? layout.names[k]!;
        this.newTypes[k] = type;
        this.newKeyStarts[k] = name === null ? -1 : keyStart;
        this.newKeyEnds[k] = keyEnd;
      }
      k++;
      if (i < len && buf[i] === COMMA) {
        i++;
        continue;
      }
      break;
    }

    // Timestamp, optional, after one or more spaces.
    while (i < len && (buf[i] === SPACE || buf[i] === TAB || buf[i] === 0)) i++;
    let end = i;
    let ms = this.defaultMs;
    let sub = this.defaultSub;
    if (i < len && !isLineEnd(buf, i, len)) {
      end = parseTimestamp(buf, i, len, this.scale, out);
      if (end < 0) return -1;
      ms = out.ms;
      sub = out.sub;
    }
    if (end < len && buf[end] === CR) end++;

    if (!allKnown) this.commitNew(known ?? parsedKey!, start, keyEnd, hash, entry, base, k);
    stage.endLine(base + k, ms, sub);
    return end;
  }

  /** A value that is not a number, into `out`: a string, a boolean, or one of the errors. */
  private otherValue(i: number): number {
    const { buf, len, out } = this;
    const c = buf[i]!;
    if (c === QUOTE) {
      this.hasString = true;
      return parseString(buf, i, len, out);
    }
    if (c === COMMA || c === SPACE || isLineEnd(buf, i, len)) return out.fail(MISSING_FIELD_VALUE);
    if (c === 0x4e /* N */ || c === 0x6e /* n */) return out.fail(INVALID_NUMBER);
    return parseBoolean(buf, i, len, out);
  }

  private growFields(): void {
    this.newNames.push('');
    this.newTypes.push(FieldType.Float);
    this.newKeyStarts.push(0);
    this.newKeyEnds.push(0);
  }

  /**
   * The slow part of committing a good line: adds its series to the known ones and to the batch
   * if it is new to them, finds or makes the target of each field not resolved by its slot, and
   * makes the line's fields the series' layout if they differ from it.
   */
  private commitNew(
    series: KnownSeries | SeriesKey,
    keyStart: number,
    keyEnd: number,
    hash: number,
    found: SeriesEntry | undefined,
    base: number,
    fields: number,
  ): void {
    let known: KnownSeries;
    if (series instanceof KnownSeries) {
      known = series;
    } else {
      const raw = rawKeys.pack(this.buf, keyStart, keyEnd);
      known = new KnownSeries(raw, rawKeys.at, keyEnd - keyStart, hash, series.measurement, series.tags, series.key, Layout.EMPTY);
      knownSeries.add(known);
    }
    const entry = found ?? this.table.addEntry(known, this.batch);
    const old = entry.layout;
    let keys: DataView[] | null = null;
    let names: string[] = [];
    let types: FieldType[] = [];
    const targets = stage.target;
    for (let k = 0; k < fields; k++) {
      if (targets[base + k] !== -1) continue;
      const name = this.newNames[k]!;
      const type = this.newTypes[k]!;
      const target = this.table.targetFor(entry, name, type);
      targets[base + k] = target;
      if (k < entry.slotTargets.length) entry.slotTargets[k] = target;
      else if (k === entry.slotTargets.length) entry.slotTargets.push(target);
      if (this.newKeyStarts[k]! < 0 && old.types[k] === type) continue; // the slot's field, only its target was new
      if (keys === null) {
        keys = old.keys.slice();
        names = old.names.slice();
        types = old.types.slice();
      }
      if (k <= keys.length) {
        keys[k] = this.newKeyStarts[k]! < 0 ? old.keys[k]! : copyBytes(this.buf, this.newKeyStarts[k]!, this.newKeyEnds[k]!);
        names[k] = name;
        types[k] = type;
      }
    }
    if (keys !== null) {
      entry.layout = internLayout(keys, names, types);
      known.layout = entry.layout;
    }
  }
}
