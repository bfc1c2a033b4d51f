/**
 * The recursive-descent core of the InfluxQL parser: tokens with one-token pushback and bound
 * parameters, expressions by precedence, FROM sources, and SELECT. The other statements are in
 * statements.ts, which drives this class.
 *
 * Error messages are influxd 1.6.7's (`found X, expected Y at line L, char C`); the tests under
 * test/query/influxql say which were checked against a running influxd.
 */
import type { BinaryOp, Cast, Expr, Field, FillOption, SelectStatement, Source } from './ast.ts';
import { parseDuration } from './duration.ts';
import { InfluxQLParseError } from './errors.ts';
import { ScanError, Scanner, type Pos, type Token } from './scanner.ts';

/** Values of bound parameters (`$name`), as InfluxDB's `params` JSON gives them. */
export type Params = Readonly<Record<string, unknown>>;

/** InfluxQL's binary operator precedence: OR < AND < comparison < additive < multiplicative. */
const PRECEDENCE: Readonly<Record<string, number>> = {
  OR: 1,
  AND: 2,
  '=': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '=~': 4, '!~': 4,
  '+': 5, '-': 5, '|': 5, '^': 5,
  '*': 6, '/': 6, '%': 6, '&': 6,
};

const CASTS: readonly Cast[] = ['float', 'integer', 'unsigned', 'string', 'boolean', 'field', 'tag'];
const UNARY_EXPECTED = ['identifier', 'string', 'number', 'bool'];

/** A token with its bound parameter substituted: `regex` when the parameter was `{"regex": ...}`. */
type PToken = Token | (Omit<Token, 'kind'> & { readonly kind: 'regex' });

export class Parser {
  private readonly scanner: Scanner;
  private readonly pushed: PToken[] = [];

  constructor(
    src: string,
    private readonly params: Params = {},
  ) {
    this.scanner = new Scanner(src);
  }

  // ---- tokens ----

  next(): PToken {
    const t = this.pushed.pop();
    if (t !== undefined) return t;
    let raw: Token;
    try {
      raw = this.scanner.next();
    } catch (err) {
      if (err instanceof ScanError) throw new InfluxQLParseError(err.detail, err.pos);
      throw err;
    }
    return raw.kind === 'param' ? this.bind(raw) : raw;
  }

  unscan(t: PToken): void {
    this.pushed.push(t);
  }

  peek(): PToken {
    const t = this.next();
    this.unscan(t);
    return t;
  }

  isKeyword(t: PToken, ...words: string[]): boolean {
    return t.kind === 'keyword' && words.includes(t.text);
  }

  isOp(t: PToken, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  /** Consumes the keyword when it is next. */
  acceptKeyword(word: string): boolean {
    const t = this.next();
    if (this.isKeyword(t, word)) return true;
    this.unscan(t);
    return false;
  }

  acceptOp(op: string): boolean {
    const t = this.next();
    if (this.isOp(t, op)) return true;
    this.unscan(t);
    return false;
  }

  /** The next token, which must be one of these keywords. */
  expectKeyword(...words: string[]): string {
    const t = this.next();
    if (this.isKeyword(t, ...words)) return t.text;
    throw this.unexpected(t, words);
  }

  expectOp(op: string): void {
    const t = this.next();
    if (!this.isOp(t, op)) throw this.unexpected(t, [op]);
  }

  ident(): string {
    const t = this.next();
    if (t.kind === 'ident') return t.text;
    throw this.unexpected(t, ['identifier']);
  }

  string(): string {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    throw this.unexpected(t, ['string']);
  }

  integer(): bigint {
    const t = this.next();
    if (t.kind === 'integer') return t.big!;
    throw this.unexpected(t, ['integer']);
  }

  /** A non-negative integer that fits a JS number (LIMIT, OFFSET, REPLICATION). */
  smallInteger(): number {
    return Number(this.integer());
  }

  duration(): bigint {
    const t = this.next();
    if (t.kind === 'duration') return t.big!;
    throw this.unexpected(t, ['duration']);
  }

  /** A regex literal or regex parameter if one comes next. */
  regex(): string | undefined {
    const t = this.next();
    if (t.kind === 'regex') return t.text;
    if (this.isOp(t, '/') && this.pushed.length === 0) {
      try {
        return this.scanner.scanRegex(t.start).pattern;
      } catch (err) {
        if (err instanceof ScanError) throw new InfluxQLParseError(err.detail, err.pos);
        throw err;
      }
    }
    this.unscan(t);
    return undefined;
  }

  unexpected(t: PToken, expected: readonly string[], pos: Pos = t.pos): InfluxQLParseError {
    return new InfluxQLParseError(`found ${found(t)}, expected ${expected.join(', ')}`, pos);
  }

  /** A statement ends at `;` or EOF. */
  atStatementEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || this.isOp(t, ';');
  }

  private bind(t: Token): PToken {
    if (!Object.hasOwn(this.params, t.text)) throw new InfluxQLParseError(`missing parameter: ${t.text}`);
    const v = this.params[t.text];
    const as = (kind: PToken['kind'], text: string, big?: bigint): PToken => ({ ...t, kind, text, ...(big === undefined ? {} : { big }) }) as PToken;
    if (typeof v === 'string') return as('string', v);
    if (typeof v === 'boolean') return as('keyword', v ? 'TRUE' : 'FALSE');
    if (typeof v === 'bigint') return as('integer', v.toString(), v);
    if (typeof v === 'number') return Number.isInteger(v) ? as('integer', String(v), BigInt(v)) : as('number', String(v));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const [key, value] = Object.entries(v)[0] ?? [];
      if (typeof value === 'string') {
        if (key === 'identifier') return { ...as('ident', value), quoted: true };
        if (key === 'regex') return as('regex', value);
        if (key === 'string') return as('string', value);
        if (key === 'duration') {
          const nanos = parseDuration(value);
          if (nanos === undefined) throw new InfluxQLParseError('invalid duration');
          return as('duration', value, nanos);
        }
      }
      if (key === 'integer' && (typeof value === 'number' || typeof value === 'string')) return as('integer', String(value), BigInt(value));
      if (key === 'number' && typeof value === 'number') return as('number', String(value));
      if (key === 'boolean' && typeof value === 'boolean') return as('keyword', value ? 'TRUE' : 'FALSE');
    }
    const type = v === null || v === undefined ? '<nil>' : Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
    throw new InfluxQLParseError(`missing parameter: unable to bind parameter with type ${type}`);
  }

  // ---- expressions ----

  expr(minPrec = 1): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.next();
      const op = binaryOp(t);
      if (op === undefined || PRECEDENCE[op]! < minPrec) {
        this.unscan(t);
        return left;
      }
      let right: Expr;
      if (op === '=~' || op === '!~') {
        const pattern = this.regex();
        if (pattern === undefined) {
          const n = this.peek();
          throw this.unexpected(n, ['regex'], n.kind === 'eof' ? eofAfterLookahead(n.pos) : n.pos);
        }
        right = { kind: 'regex', pattern };
      } else {
        right = this.expr(PRECEDENCE[op]! + 1);
      }
      left = { kind: 'binary', op, left, right };
    }
  }

  private unary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'ident': {
        if (this.acceptOp('(')) return this.call(t.text.toLowerCase());
        return this.cast({ kind: 'ref', name: t.text });
      }
      case 'string':
        return { kind: 'string', value: t.text };
      case 'integer':
        return { kind: 'integer', value: t.big! };
      case 'number':
        return { kind: 'number', value: Number(t.text) };
      case 'duration':
        return { kind: 'duration', nanos: t.big! };
      case 'regex':
        return { kind: 'regex', pattern: t.text };
      case 'keyword':
        if (t.text === 'TRUE' || t.text === 'FALSE') return { kind: 'boolean', value: t.text === 'TRUE' };
        if (t.text === 'DISTINCT') {
          const paren = this.acceptOp('(');
          const arg: Expr = { kind: 'ref', name: this.ident() };
          if (paren) this.expectOp(')');
          return { kind: 'call', name: 'distinct', args: [arg] };
        }
        break;
      case 'op':
        if (t.text === '(') {
          const inner = this.expr();
          this.expectOp(')');
          return inner;
        }
        if (t.text === '*') {
          const w = this.cast({ kind: 'ref', name: '*' });
          return w.kind === 'ref' && (w.cast === 'field' || w.cast === 'tag') ? { kind: 'wildcard', cast: w.cast } : { kind: 'wildcard' };
        }
        if (t.text === '-' || t.text === '+') return this.signed(t.text);
        break;
    }
    throw this.unexpected(t, UNARY_EXPECTED);
  }

  /** `-1`, `-1.5`, `-10s` are literals; `-x` and `-(...)` are `-1 * x`. */
  private signed(sign: '-' | '+'): Expr {
    const t = this.peek();
    const negative = sign === '-';
    if (t.kind === 'integer' || t.kind === 'number' || t.kind === 'duration') {
      this.next();
      if (t.kind === 'integer') return { kind: 'integer', value: negative ? -t.big! : t.big! };
      if (t.kind === 'duration') return { kind: 'duration', nanos: negative ? -t.big! : t.big! };
      return { kind: 'number', value: negative ? -Number(t.text) : Number(t.text) };
    }
    if (t.kind === 'ident' || this.isOp(t, '(')) {
      const operand = this.unary();
      return negative ? { kind: 'binary', op: '*', left: { kind: 'integer', value: -1n }, right: operand } : operand;
    }
    throw this.unexpected(t, ['identifier', 'number', 'duration', '(']);
  }

  /** A `::type` suffix, if any. */
  private cast(ref: Extract<Expr, { kind: 'ref' }>): Extract<Expr, { kind: 'ref' }> {
    if (!this.acceptOp('::')) return ref;
    const t = this.next();
    const type = (t.kind === 'ident' || t.kind === 'keyword' ? t.text.toLowerCase() : '') as Cast;
    if (!CASTS.includes(type)) throw this.unexpected(t, CASTS);
    return { ...ref, cast: type };
  }

  /** Arguments after `name(`; a regex argument is allowed (`mean(/^usage/)`). */
  private call(name: string): Expr {
    const args: Expr[] = [];
    if (this.acceptOp(')')) return { kind: 'call', name, args };
    for (;;) {
      const t = this.peek();
      // influxd reads EOF twice inside an argument list, one char further on (checked against 1.6.7)
      if (t.kind === 'eof') throw this.unexpected(t, UNARY_EXPECTED, eofAfterLookahead(t.pos));
      const pattern = this.regex();
      args.push(pattern === undefined ? this.expr() : { kind: 'regex', pattern });
      const sep = this.next();
      if (this.isOp(sep, ')')) return { kind: 'call', name, args };
      if (!this.isOp(sep, ',')) throw this.unexpected(sep, [')']);
    }
  }

  // ---- sources ----

  /** Comma-separated FROM sources. */
  sources(allowSubquery: boolean): Source[] {
    const out: Source[] = [];
    do out.push(this.source(allowSubquery));
    while (this.acceptOp(','));
    return out;
  }

  private source(allowSubquery: boolean): Source {
    if (allowSubquery && this.acceptOp('(')) {
      this.expectKeyword('SELECT');
      const statement = this.select();
      this.expectOp(')');
      return { kind: 'subquery', statement };
    }
    const parts: string[] = [];
    for (;;) {
      const pattern = this.regex();
      if (pattern !== undefined) return withPrefix({ kind: 'regex', pattern }, parts);
      parts.push(this.ident());
      if (!this.acceptOp('.')) break;
      if (parts.length === 1 && this.acceptOp('.')) parts.push(''); // db..m: the default retention policy
      if (parts.length === 3) throw this.unexpected(this.peek(), ['identifier']);
    }
    const name = parts.pop()!;
    return withPrefix({ kind: 'measurement', name }, parts);
  }

  // ---- SELECT ----

  /** After the SELECT keyword. */
  select(): SelectStatement {
    const fields = this.fields();
    let into: SelectStatement['into'];
    if (this.acceptKeyword('INTO')) into = this.into();
    this.expectKeyword('FROM');
    const sources = this.sources(true);
    const condition = this.acceptKeyword('WHERE') ? this.expr() : undefined;
    const dimensions = this.groupBy();
    const fill = this.fill();
    const order = this.orderBy();
    const limits = this.limits(true);
    const timezone = this.tz();
    return {
      kind: 'select',
      fields,
      ...(into === undefined ? {} : { into }),
      sources,
      ...(condition === undefined ? {} : { condition }),
      dimensions,
      ...(fill === undefined ? {} : { fill }),
      order,
      ...limits,
      ...(timezone === undefined ? {} : { timezone }),
    };
  }

  private fields(): Field[] {
    const out: Field[] = [];
    do {
      const pattern = this.regex();
      const expr: Expr = pattern === undefined ? this.expr() : { kind: 'regex', pattern };
      const alias = this.acceptKeyword('AS') ? this.ident() : undefined;
      out.push(alias === undefined ? { expr } : { expr, alias });
    } while (this.acceptOp(','));
    return out;
  }

  private into(): NonNullable<SelectStatement['into']> {
    const parts: string[] = [];
    for (;;) {
      if (this.acceptOp(':')) {
        this.expectKeyword('MEASUREMENT');
        return { ...prefixOf(parts), allMeasurements: true };
      }
      parts.push(this.ident());
      if (!this.acceptOp('.')) break;
      if (parts.length === 1 && this.acceptOp('.')) parts.push('');
    }
    const name = parts.pop()!;
    return { ...prefixOf(parts), name, allMeasurements: false };
  }

  /** `GROUP BY` items: `time(...)`, tags, `*`, `/re/`. */
  groupBy(): Expr[] {
    if (!this.acceptKeyword('GROUP')) return [];
    this.expectKeyword('BY');
    const out: Expr[] = [];
    do {
      const pattern = this.regex();
      out.push(pattern === undefined ? this.expr() : { kind: 'regex', pattern });
    } while (this.acceptOp(','));
    return out;
  }

  private fill(): FillOption | undefined {
    const t = this.next();
    if (t.kind !== 'ident' || t.text.toLowerCase() !== 'fill' || !this.isOp(this.peek(), '(')) {
      this.unscan(t);
      return undefined;
    }
    this.next();
    const arg = this.expr();
    if (!this.acceptOp(')')) throw new InfluxQLParseError('fill requires an argument, e.g.: 0, null, none, previous, linear');
    if (arg.kind === 'ref') {
      const name = arg.name.toLowerCase();
      if (name === 'null' || name === 'none' || name === 'previous' || name === 'linear') return { kind: name };
    }
    if (arg.kind === 'integer' || arg.kind === 'number') return { kind: 'value', value: Number(arg.value) };
    throw new InfluxQLParseError('expected number argument in fill()');
  }

  private orderBy(): 'asc' | 'desc' {
    if (!this.acceptKeyword('ORDER')) return 'asc';
    this.expectKeyword('BY');
    const t = this.next();
    let order: 'asc' | 'desc' = 'asc';
    if (t.kind === 'ident') {
      if (t.text.toLowerCase() !== 'time') throw new InfluxQLParseError('only ORDER BY time supported at this time');
      const dir = this.next();
      if (this.isKeyword(dir, 'ASC', 'DESC')) order = dir.text === 'DESC' ? 'desc' : 'asc';
      else this.unscan(dir);
    } else if (this.isKeyword(t, 'ASC', 'DESC')) {
      order = t.text === 'DESC' ? 'desc' : 'asc';
    } else {
      throw this.unexpected(t, ['identifier', 'ASC', 'DESC']);
    }
    if (this.isOp(this.peek(), ',')) throw new InfluxQLParseError('only ORDER BY time supported at this time');
    return order;
  }

  /** LIMIT, OFFSET and, when `series`, SLIMIT and SOFFSET, in that order. */
  limits(series: boolean): { limit: number; offset: number; slimit: number; soffset: number } {
    const limit = this.acceptKeyword('LIMIT') ? this.smallInteger() : 0;
    const offset = this.acceptKeyword('OFFSET') ? this.smallInteger() : 0;
    const slimit = series && this.acceptKeyword('SLIMIT') ? this.smallInteger() : 0;
    const soffset = series && this.acceptKeyword('SOFFSET') ? this.smallInteger() : 0;
    return { limit, offset, slimit, soffset };
  }

  private tz(): string | undefined {
    const t = this.next();
    if (t.kind !== 'ident' || t.text.toLowerCase() !== 'tz' || !this.isOp(this.peek(), '(')) {
      this.unscan(t);
      return undefined;
    }
    this.next();
    const arg = this.next();
    if (arg.kind !== 'string') throw new InfluxQLParseError('expected string argument in tz()');
    this.expectOp(')');
    try {
      new Intl.DateTimeFormat('en', { timeZone: arg.text });
    } catch {
      throw new InfluxQLParseError(`unable to find time zone ${arg.text}`);
    }
    return arg.text;
  }
}

function binaryOp(t: PToken): BinaryOp | undefined {
  if (t.kind === 'keyword' && (t.text === 'AND' || t.text === 'OR')) return t.text;
  if (t.kind === 'op' && t.text in PRECEDENCE) return t.text as BinaryOp;
  return undefined;
}

function found(t: PToken): string {
  if (t.kind === 'eof') return 'EOF';
  if (t.kind === 'param') return `$${t.text}`;
  return t.text;
}

/** influxd reports some EOFs one char further on: where its scanner read EOF before (see scanner.ts). */
function eofAfterLookahead(pos: Pos): Pos {
  return { line: pos.line, char: pos.char + 1 };
}

function prefixOf(parts: readonly string[]): { database?: string; retentionPolicy?: string } {
  const out: { database?: string; retentionPolicy?: string } = {};
  if (parts.length === 2) {
    out.database = parts[0]!;
    if (parts[1] !== '') out.retentionPolicy = parts[1]!;
  } else if (parts.length === 1) {
    out.retentionPolicy = parts[0]!;
  }
  return out;
}

function withPrefix<T extends Source>(source: T, parts: readonly string[]): T {
  return { ...source, ...prefixOf(parts) };
}
