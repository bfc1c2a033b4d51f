/**
 * The InfluxQL tokenizer. It scans one token at a time on demand, because `/` is both division and
 * the start of a regex literal: the parser asks for a regex (`scanRegex`) only where the grammar
 * allows one (after `=~`, in FROM, in a field list, in GROUP BY), as InfluxDB's own parser does.
 *
 * Positions are InfluxDB's: line and char, 1-based, where a line break starts a new line. Two
 * quirks of influxd 1.6 are kept so that error messages match it character for character: an EOF
 * read right after a bare identifier or keyword is one char further on, and a string, quoted
 * identifier or regex that never closes, and every string, is reported at the char before its
 * opening quote.
 */
import { parseDuration } from './duration.ts';
import { InfluxQLParseError } from './errors.ts';

export type TokenKind =
  | 'ident' // bare or "quoted" identifier; `quoted` says which
  | 'keyword'
  | 'string'
  | 'integer'
  | 'number'
  | 'duration'
  | 'param' // $name
  | 'op' // punctuation and operators, `text` is the operator
  | 'bad' // an unterminated string or identifier, or a bad escape: `text` is what influxd prints
  | 'eof';

export interface Pos {
  /** 1-based line. */
  readonly line: number;
  /** 1-based char in the line. */
  readonly char: number;
}

export interface Token {
  readonly kind: TokenKind;
  /** Keyword in upper case; identifier, string and param with escapes resolved; operator text; number source. */
  readonly text: string;
  readonly pos: Pos;
  /** Offset of the first char in the source. */
  readonly start: number;
  /** Offset after the last char. */
  readonly end: number;
  readonly quoted?: boolean;
  /** integer: exact value; duration: nanoseconds. */
  readonly big?: bigint;
}

/** InfluxQL's reserved words: unquoted, they are never identifiers. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'ALL', 'ALTER', 'ANALYZE', 'AND', 'ANY', 'AS', 'ASC', 'BEGIN', 'BY', 'CARDINALITY', 'CREATE', 'CONTINUOUS',
  'DATABASE', 'DATABASES', 'DEFAULT', 'DELETE', 'DESC', 'DESTINATIONS', 'DIAGNOSTICS', 'DISTINCT', 'DROP',
  'DURATION', 'END', 'EVERY', 'EXACT', 'EXPLAIN', 'FALSE', 'FIELD', 'FOR', 'FROM', 'GRANT', 'GRANTS', 'GROUP',
  'GROUPS', 'IN', 'INF', 'INSERT', 'INTO', 'KEY', 'KEYS', 'KILL', 'LIMIT', 'MEASUREMENT', 'MEASUREMENTS',
  'NAME', 'OFFSET', 'ON', 'OR', 'ORDER', 'PASSWORD', 'POLICIES', 'POLICY', 'PRIVILEGES', 'QUERIES', 'QUERY',
  'READ', 'REPLICATION', 'RESAMPLE', 'RETENTION', 'REVOKE', 'SELECT', 'SERIES', 'SET', 'SHARD', 'SHARDS',
  'SHOW', 'SLIMIT', 'SOFFSET', 'STATS', 'SUBSCRIPTION', 'SUBSCRIPTIONS', 'TAG', 'TO', 'TRUE', 'USER', 'USERS',
  'VALUES', 'WHERE', 'WITH', 'WRITE',
]);

/** Longest first, so `<=` wins over `<`. */
const OPERATORS = ['::', '=~', '!~', '!=', '<>', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '(', ')', ',', ';', '.', ':'];

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentChar = (c: string) => isLetter(c) || isDigit(c);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Thrown for what no token can start with; the parser turns it into an InfluxQLParseError. */
export class ScanError extends Error {
  constructor(
    readonly detail: string,
    readonly pos?: Pos,
  ) {
    super(detail);
  }
}

export class Scanner {
  private at = 0;
  /** Offsets where each line starts. */
  private readonly lineStarts: number[] = [0];
  /** The last token scanned was a bare word ending exactly at the end of the input (see the module doc). */
  private wordAtEnd = false;

  constructor(readonly src: string) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** The position of a source offset. */
  posOf(offset: number): Pos {
    let line = 0;
    while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1]! <= offset) line++;
    return { line: line + 1, char: offset - this.lineStarts[line]! + 1 };
  }

  /** Rewinds to a source offset (the parser re-scans a `/` as a regex). */
  reset(offset: number): void {
    this.at = offset;
    this.wordAtEnd = false;
  }

  next(): Token {
    this.skipSpaceAndComments();
    const src = this.src;
    const start = this.at;
    if (start >= src.length) {
      const pos = this.posOf(src.length);
      return this.tok('eof', '', start, start, this.wordAtEnd ? { line: pos.line, char: pos.char + 1 } : pos);
    }
    this.wordAtEnd = false;
    const c = src[start]!;
    if (isLetter(c)) {
      let end = start + 1;
      while (end < src.length && isIdentChar(src[end]!)) end++;
      this.at = end;
      this.wordAtEnd = end === src.length;
      const word = src.slice(start, end);
      const upper = word.toUpperCase();
      return KEYWORDS.has(upper) ? this.tok('keyword', upper, start, end) : this.tok('ident', word, start, end, undefined, false);
    }
    if (isDigit(c) || (c === '.' && isDigit(src[start + 1] ?? ''))) return this.number(start);
    if (c === '"') return this.quoted(start, '"', 'ident');
    if (c === "'") return this.quoted(start, "'", 'string');
    if (c === '$') {
      if (src[start + 1] === '"') {
        const t = this.quoted(start + 1, '"', 'param');
        return t.kind === 'bad' ? t : { ...t, start, pos: this.posOf(start) };
      }
      let end = start + 1;
      while (end < src.length && isIdentChar(src[end]!)) end++;
      this.at = end;
      return this.tok('param', src.slice(start + 1, end), start, end);
    }
    for (const op of OPERATORS) {
      if (src.startsWith(op, start)) {
        this.at = start + op.length;
        this.wordAtEnd = op === '.' && this.at === src.length; // influxd scans `.` as a number start
        return this.tok('op', op === '<>' ? '!=' : op, start, this.at);
      }
    }
    throw new ScanError(`found ${c}, expected identifier, string, number, bool`, this.posOf(start));
  }

  /**
   * A regex literal starting at `offset` (its opening `/`): the pattern with `\/` unescaped and every
   * other escape kept for the regex engine.
   */
  scanRegex(offset: number): { pattern: string; token: Token } {
    const src = this.src;
    let out = '';
    for (let i = offset + 1; i < src.length; i++) {
      const c = src[i]!;
      if (c === '\\' && src[i + 1] === '/') {
        out += '/';
        i++;
      } else if (c === '\\' && i + 1 < src.length) {
        out += c + src[i + 1]!;
        i++;
      } else if (c === '/') {
        this.at = i + 1;
        this.wordAtEnd = false;
        return { pattern: out, token: this.tok('op', '/', offset, i + 1) };
      } else if (c === '\n') {
        break;
      } else {
        out += c;
      }
    }
    throw new ScanError('bad regex: ', this.beforePos(offset));
  }

  private skipSpaceAndComments(): void {
    const src = this.src;
    for (;;) {
      while (this.at < src.length && isSpace(src[this.at]!)) this.at++;
      if (src.startsWith('--', this.at)) {
        const nl = src.indexOf('\n', this.at);
        this.at = nl < 0 ? src.length : nl + 1;
      } else if (src.startsWith('/*', this.at)) {
        const close = src.indexOf('*/', this.at + 2);
        this.at = close < 0 ? src.length : close + 2;
      } else {
        return;
      }
    }
  }

  /** Integers, floats (`1.5`, `.5`), and durations (`10s`, `1h30m`, `5µ`): a duration is an integer followed by a unit. */
  private number(start: number): Token {
    const src = this.src;
    let end = start;
    while (end < src.length && isDigit(src[end]!)) end++;
    if (src[end] === '.' && isDigit(src[end + 1] ?? '')) {
      end++;
      while (end < src.length && isDigit(src[end]!)) end++;
      this.at = end;
      return this.tok('number', src.slice(start, end), start, end);
    }
    if (end < src.length && (isLetter(src[end]!) || src[end] === 'µ')) {
      // influxd reads the whole word as a duration and rejects it when it is not one (`10x`)
      while (end < src.length && (isIdentChar(src[end]!) || src[end] === 'µ')) end++;
      const text = src.slice(start, end);
      const nanos = parseDuration(text);
      if (nanos === undefined) throw new ScanError('invalid duration');
      this.at = end;
      return { ...this.tok('duration', text, start, end), big: nanos };
    }
    this.at = end;
    const text = src.slice(start, end);
    return { ...this.tok('integer', text, start, end), big: BigInt(text) };
  }

  /** A 'string', "identifier" or $"param": `\\`, `\'`, `\"` and `\n` are escapes, anything else after `\` is an error. */
  private quoted(start: number, quote: string, kind: 'string' | 'ident' | 'param'): Token {
    const src = this.src;
    let out = '';
    for (let i = start + 1; i < src.length; i++) {
      const c = src[i]!;
      if (c === quote) {
        this.at = i + 1;
        // influxd reports a string at the char before its opening quote
        return this.tok(kind, out, start, i + 1, kind === 'string' ? this.beforePos(start) : undefined, kind === 'ident' ? true : undefined);
      }
      if (c === '\n') break;
      if (c === '\\') {
        const e = src[i + 1] ?? '';
        if (e === '\\' || e === "'" || e === '"') out += e;
        else if (e === 'n') out += '\n';
        else {
          this.at = i + 2;
          return this.tok('bad', `\\${e}`, i, i + 2, this.posOf(i + 1));
        }
        i++;
        continue;
      }
      out += c;
    }
    this.at = src.length;
    return this.tok('bad', out, start, src.length, this.beforePos(start));
  }

  /** influxd reports an unclosed literal at the char before its opening quote. */
  private beforePos(offset: number): Pos {
    const p = this.posOf(offset);
    return { line: p.line, char: p.char - 1 };
  }

  private tok(kind: TokenKind, text: string, start: number, end: number, pos?: Pos, quoted?: boolean): Token {
    const t: Token = { kind, text, start, end, pos: pos ?? this.posOf(start) };
    return quoted === undefined ? t : { ...t, quoted };
  }
}

/** Every token of `src` up to EOF (regexes are not recognised outside the parser). For tests and tools. */
export function tokenize(src: string): Token[] {
  const s = new Scanner(src);
  const out: Token[] = [];
  try {
    for (;;) {
      const t = s.next();
      out.push(t);
      if (t.kind === 'eof') return out;
    }
  } catch (err) {
    if (err instanceof ScanError) throw new InfluxQLParseError(err.detail, err.pos);
    throw err;
  }
}
