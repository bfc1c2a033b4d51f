/**
 * PromQL text -> AST. The official grammar (`@prometheus-io/lezer-promql`, the one Prometheus's
 * own UI uses) gives the syntax tree with precedence and associativity resolved; this module turns
 * it into typed nodes, reads literals (numbers, durations, Go-quoted strings) and checks what the
 * grammar does not: types of operands and arguments, modifiers in the wrong place, selectors that
 * match everything. Messages follow Prometheus's wording where a client may show them.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { BadMatcherError, MEASUREMENT_NAME, matchesEmpty, type Matcher, type MatchOp } from '../../index/index.ts';
import {
  COMPARISON_OPS,
  SET_OPS,
  functionSignature,
  typeOf,
  type AggregateOp,
  type AtModifier,
  type BinaryOp,
  type Cardinality,
  type Expr,
  type MatrixSelector,
  type Subquery,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts';
import { PromqlParseError } from './errors.ts';
import { parseDurationMs, parseNumber, unquoteString } from './literals.ts';

/** Parses a PromQL expression; throws PromqlParseError with Prometheus's "parse error" wording. */
export function parsePromql(text: string): Expr {
  return parseExpr(text, true);
}

function parseExpr(text: string, requireNonEmptyMatcher: boolean): Expr {
  // Blank, or comments only (`#` to the end of a line).
  if (/^(\s|#[^\n]*)*$/.test(text)) throw new PromqlParseError('no expression found in input', '1:1');
  const { source, renamedAt } = normalizeSource(text);
  const tree = parser.parse(source);
  const reader = new Reader(source, text, renamedAt, requireNonEmptyMatcher);
  reader.checkSyntax(tree.topNode);
  const root = tree.topNode.firstChild;
  if (root === null) throw new PromqlParseError('no expression found in input');
  return reader.expr(root);
}

/**
 * Parses a series selector (`match[]`, `/api/v1/series`): a vector selector and nothing else. One
 * whose every matcher accepts the empty value parses, as in Prometheus: the API refuses it in its
 * own words.
 */
export function parseSeriesSelector(text: string): VectorSelector {
  const expr = parseExpr(text, false);
  if (expr.kind !== 'vector' || expr.offsetMs !== 0 || expr.at !== undefined) {
    throw new PromqlParseError(`expected type vector selector in series selector, got ${describe(expr)}`);
  }
  return expr;
}

const BINARY_OPS: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const AGGREGATES_WITH_PARAM: ReadonlySet<AggregateOp> = new Set(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);

class Reader {
  constructor(
    private readonly text: string,
    /** The text as the user wrote it, and where holt_winters was renamed in it (see normalizeSource). */
    private readonly original: string,
    private readonly renamedAt: readonly number[],
    /** Whether a vector selector needs a matcher that refuses the empty value (not in a series selector). */
    private readonly requireNonEmptyMatcher: boolean,
  ) {}

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private fail(node: SyntaxNode | number, message: string): never {
    throw new PromqlParseError(message, this.position(typeof node === 'number' ? node : node.from));
  }

  /** "line:column", 1-based, as Prometheus prefixes its parse errors. */
  private position(offset: number): string {
    const renamedBefore = this.renamedAt.filter((at) => at < offset).length;
    const at = offset - renamedBefore * (NEW_SMOOTHING.length - OLD_SMOOTHING.length);
    const before = this.original.slice(0, at);
    return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
  }

  /** Reports the first place the grammar could not parse. */
  checkSyntax(top: SyntaxNode): void {
    let error: SyntaxNode | undefined;
    top.cursor().iterate((n) => {
      if (error !== undefined) return false;
      if (n.type.isError) error = n.node;
      return undefined;
    });
    if (error === undefined) return;
    const at = error.from;
    const rest = this.text.slice(at).trimStart();
    if (rest === '') this.fail(at, 'unexpected end of input');
    const token = /^([A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^\s])/.exec(rest)?.[0] ?? rest[0]!;
    // `nosuchfn(x)`: the grammar stops at the parenthesis after an identifier it does not know.
    const called = /([A-Za-z_][\w]*)\s*$/.exec(this.text.slice(0, at));
    if (token === '(' && called !== null && functionSignature(called[1]!) === undefined) {
      this.fail(at - called[0].length, `unknown function with name "${called[1]}"`);
    }
    this.fail(at, `unexpected ${describeToken(token)}`);
  }

  expr(node: SyntaxNode): Expr {
    switch (node.type.name) {
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(node) };
      case 'StringLiteral':
        return { kind: 'string', value: this.string(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.modified(node);
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(this.only(node)) };
      case 'UnaryExpr':
        return this.unary(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'FunctionCall':
        return this.call(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      default:
        return this.fail(node, `unsupported expression: ${this.slice(node)}`);
    }
  }

  private only(node: SyntaxNode): SyntaxNode {
    const child = node.firstChild;
    if (child === null) this.fail(node, 'unexpected empty expression');
    return child;
  }

  private number(node: SyntaxNode): number {
    const value = parseNumber(this.slice(node));
    if (value === undefined) this.fail(node, `bad number or duration syntax: "${this.slice(node)}"`);
    return value;
  }

  private string(node: SyntaxNode): string {
    const value = unquoteString(this.slice(node));
    if (value === undefined) this.fail(node, `invalid syntax in string literal ${this.slice(node)}`);
    return value;
  }

  private duration(node: SyntaxNode): number {
    // DurationExpr / OffsetDurationExpr wrap a literal, or a sign and another duration.
    const children = childrenOf(node);
    if (children.length === 1 && children[0]!.type.name.startsWith('NumberDurationLiteral')) return this.durationLiteral(children[0]!);
    if (children.length === 2 && children[0]!.type.name === 'UnaryOp') {
      const inner = this.duration(children[1]!);
      return this.slice(children[0]!) === '-' ? -inner : inner;
    }
    if (node.type.name.startsWith('NumberDurationLiteral')) return this.durationLiteral(node);
    return this.fail(node, `unsupported duration expression: ${this.slice(node)}`);
  }

  private durationLiteral(node: SyntaxNode): number {
    const text = this.slice(node);
    const ms = parseDurationMs(text);
    if (ms === undefined) this.fail(node, `bad number or duration syntax: "${text}"`);
    // A duration with units must not be zero (`offset 0s`, `[5m:0s]`), as Prometheus's lexer says.
    if (ms === 0 && /[a-z]$/i.test(text)) this.fail(node, 'duration must be greater than 0');
    return ms;
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name: string | undefined;
    const matchers: Matcher[] = [];
    for (const child of childrenOf(node)) {
      if (child.type.name === 'Identifier') name = this.slice(child);
      else if (child.type.name === 'LabelMatchers') {
        for (const m of childrenOf(child)) {
          if (m.type.name === 'QuotedLabelName') {
            // `{"metric.name"}`: a quoted metric name on its own.
            if (name !== undefined) this.fail(m, `metric name must not be set twice: "${name}" or "${this.string(this.only(m))}"`);
            name = this.string(this.only(m));
          } else matchers.push(this.matcher(m));
        }
      }
    }
    const nameMatcher = matchers.find((m) => m.name === MEASUREMENT_NAME && m.op === '=');
    if (name !== undefined) {
      if (matchers.some((m) => m.name === MEASUREMENT_NAME)) this.fail(node, `metric name must not be set twice: "${name}" or "${matchers.find((m) => m.name === MEASUREMENT_NAME)!.value}"`);
      matchers.unshift({ name: MEASUREMENT_NAME, op: '=', value: name });
    } else if (nameMatcher !== undefined) {
      name = nameMatcher.value;
    }
    if (this.requireNonEmptyMatcher && matchers.every((m) => matchesEmpty(m))) this.fail(node, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vector', name, matchers, offsetMs: 0, at: undefined };
  }

  private matcher(node: SyntaxNode): Matcher {
    const [label, op, value] = childrenOf(node);
    if (label === undefined || op === undefined || value === undefined) return this.fail(node, `unexpected label matcher: ${this.slice(node)}`);
    const name = label.type.name === 'QuotedLabelName' ? this.string(this.only(label)) : this.slice(label);
    const matchOp = MATCH_OPS[this.only(op).type.name];
    if (matchOp === undefined) this.fail(op, `unexpected ${this.slice(op)} in label matching, expected one of "=", "!=", "=~" or "!~"`);
    const text = this.string(value);
    const matcher = { name, op: matchOp, value: text };
    try {
      matchesEmpty(matcher); // compiles the pattern (RE2 syntax, as Prometheus)
    } catch (err) {
      if (err instanceof BadMatcherError) this.fail(value, err.message);
      throw err;
    }
    return matcher;
  }

  private matrixSelector(node: SyntaxNode): MatrixSelector {
    const [vector, range] = childrenOf(node);
    const selector = this.expr(vector!);
    if (selector.kind !== 'vector') this.fail(node, 'ranges only allowed for vector selectors');
    if (selector.offsetMs !== 0 || selector.at !== undefined) this.fail(node, 'no offset or @ modifiers allowed before range');
    const rangeMs = this.duration(range!);
    if (rangeMs <= 0) this.fail(range!, `range duration must be greater than 0, got ${this.slice(range!)}`);
    return { kind: 'matrix', vector: selector, rangeMs };
  }

  private subquery(node: SyntaxNode): Subquery {
    const [inner, range, step] = childrenOf(node);
    const expr = this.expr(inner!);
    if (typeOf(expr) !== 'vector') this.fail(node, `subquery is only allowed on instant vector, got ${typeOf(expr)} instead`);
    const rangeMs = this.duration(range!);
    if (rangeMs <= 0) this.fail(range!, `range duration must be greater than 0, got ${this.slice(range!)}`);
    const stepMs = step === undefined ? 0 : this.duration(step);
    if (stepMs < 0) this.fail(step!, `step must be greater than 0, got ${this.slice(step!)}`);
    return { kind: 'subquery', expr, rangeMs, stepMs, offsetMs: 0, at: undefined };
  }

  /** `<expr> offset <duration>` and `<expr> @ <time>`, in either order, on selectors and subqueries only. */
  private modified(node: SyntaxNode): Expr {
    const [inner, keyword, value] = childrenOf(node);
    const change = node.type.name === 'OffsetExpr' ? { offsetMs: this.duration(value!) } : { at: this.at(value!) };
    return this.withModifier(this.expr(inner!), change, keyword!);
  }

  /**
   * The modifier binds to the selector or subquery just before it; the grammar hands it the whole
   * operation before it (`a - b offset 5m`), so it goes down the right-hand operands to that one.
   */
  private withModifier(target: Expr, change: { offsetMs: number } | { at: AtModifier }, keyword: SyntaxNode): Expr {
    switch (target.kind) {
      case 'binary':
        return { ...target, rhs: this.withModifier(target.rhs, change, keyword) };
      case 'unary':
        return { ...target, expr: this.withModifier(target.expr, change, keyword) };
      case 'matrix':
        return { ...target, vector: this.withModifier(target.vector, change, keyword) as VectorSelector };
      case 'vector':
      case 'subquery':
        if ('offsetMs' in change && target.offsetMs !== 0) this.fail(keyword, 'offset may not be set multiple times');
        if ('at' in change && target.at !== undefined) this.fail(keyword, '@ <timestamp> may not be set multiple times');
        return { ...target, ...change };
      default: {
        const which = 'offsetMs' in change ? 'offset' : '@';
        return this.fail(keyword, `${which} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
      }
    }
  }

  private at(node: SyntaxNode): AtModifier {
    if (node.type.name === 'AtModifierPreprocessors') return this.only(node).type.name === 'AtStart' ? { kind: 'start' } : { kind: 'end' };
    let seconds: number;
    if (node.type.name === 'UnaryExpr' || node.type.name === 'UnaryOp') {
      const value = this.expr(node);
      seconds = value.kind === 'unary' && value.expr.kind === 'number' ? (value.op === '-' ? -value.expr.value : value.expr.value) : NaN;
    } else seconds = this.number(node);
    if (!Number.isFinite(seconds)) this.fail(node, `timestamp out of bounds for @ modifier: ${seconds}`);
    return { kind: 'time', ms: Math.round(seconds * 1000) };
  }

  private unary(node: SyntaxNode): Expr {
    const [op, operand] = childrenOf(node);
    const expr = this.expr(operand!);
    const type = typeOf(expr);
    if (type !== 'scalar' && type !== 'vector') this.fail(node, `unary expression only allowed on expressions of type scalar or instant vector, got "${type}"`);
    // A negative number literal is a number, as Prometheus folds it.
    if (expr.kind === 'number') return { kind: 'number', value: this.slice(op!) === '-' ? -expr.value : expr.value };
    return { kind: 'unary', op: this.slice(op!) === '-' ? '-' : '+', expr };
  }

  private binary(node: SyntaxNode): Expr {
    const children = childrenOf(node);
    const first = children[0]!;
    const sign = this.text[first.from];
    if (first.type.name === 'NumberDurationLiteral' && children[1]!.type.name === 'Pow' && (sign === '-' || sign === '+')) {
      // The grammar reads `-2 ^ 2` as (-2) ^ 2; in PromQL the sign binds looser than ^, as in maths.
      const power = this.binaryOf(children, { kind: 'number', value: this.number(first) * (sign === '-' ? -1 : 1) }, node);
      return { kind: 'unary', op: sign, expr: power };
    }
    return this.binaryOf(children, this.expr(first), node);
  }

  private binaryOf(children: readonly SyntaxNode[], lhs: Expr, node: SyntaxNode): Expr {
    const rhs = this.expr(children[children.length - 1]!);
    const opNode = children[1]!;
    const op = BINARY_OPS[opNode.type.name];
    if (op === undefined) this.fail(opNode, `unexpected operator ${this.slice(opNode)}`);
    let returnBool = false;
    let clause: SyntaxNode | undefined;
    for (const c of children.slice(2, -1)) {
      if (c.type.name === 'BoolModifier') returnBool = true;
      else if (c.type.name === 'MatchingModifierClause') clause = c;
      else this.fail(c, `unexpected ${this.slice(c)}`);
    }
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [t, side] of [[lt, lhs], [rt, rhs]] as const) {
      if (t !== 'scalar' && t !== 'vector') this.fail(node, `binary expression must contain only scalar and instant vector types${side.kind === 'string' ? '' : ''}`);
    }
    const comparison = COMPARISON_OPS.has(op);
    if (returnBool && !comparison) this.fail(opNode, 'bool modifier can only be used on comparison operators');
    if (comparison && lt === 'scalar' && rt === 'scalar' && !returnBool) this.fail(node, 'comparisons between scalars must use BOOL modifier');
    if (SET_OPS.has(op) && (lt === 'scalar' || rt === 'scalar')) this.fail(node, `set operator "${op}" not allowed in binary scalar expression`);
    let matching: VectorMatching | undefined;
    if (lt === 'vector' && rt === 'vector') {
      matching = clause === undefined ? { card: SET_OPS.has(op) ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] } : this.matching(clause, op);
    } else if (clause !== undefined) {
      this.fail(clause, 'vector matching only allowed between instant vectors');
    }
    return { kind: 'binary', op, lhs, rhs, returnBool, matching };
  }

  private matching(clause: SyntaxNode, op: BinaryOp): VectorMatching {
    let on = false;
    let labels: string[] = [];
    let include: string[] = [];
    let card: Cardinality = SET_OPS.has(op) ? 'many-to-many' : 'one-to-one';
    let seenGroup = false;
    for (const c of childrenOf(clause)) {
      switch (c.type.name) {
        case 'On':
          on = true;
          break;
        case 'Ignoring':
          on = false;
          break;
        case 'GroupLeft':
          card = 'many-to-one';
          seenGroup = true;
          break;
        case 'GroupRight':
          card = 'one-to-many';
          seenGroup = true;
          break;
        case 'GroupingLabels':
          if (seenGroup) include = this.labelNames(c);
          else labels = this.labelNames(c);
          break;
        default:
          this.fail(c, `unexpected ${this.slice(c)} in vector matching`);
      }
    }
    if (seenGroup && SET_OPS.has(op)) this.fail(clause, `no grouping allowed for "${op}" operation`);
    for (const l of include) {
      if (on && labels.includes(l)) this.fail(clause, `label "${l}" must not occur in ON and GROUP clause at once`);
    }
    return { card, on, labels, include };
  }

  private labelNames(node: SyntaxNode): string[] {
    return childrenOf(node).map((c) => (c.type.name === 'QuotedLabelName' ? this.string(this.only(c)) : c.type.name === 'StringLiteral' ? this.string(c) : this.slice(c)));
  }

  private call(node: SyntaxNode): Expr {
    const [identifier, body] = childrenOf(node);
    const func = this.slice(identifier!);
    const signature = functionSignature(func);
    if (signature === undefined) this.fail(identifier!, `unknown function with name "${func}"`);
    const args = childrenOf(body!).map((c) => this.expr(c));
    const count = signature.args.length;
    if (signature.optional === 0) {
      if (args.length !== count) this.fail(node, `expected ${count} argument(s) in call to "${func}", got ${args.length}`);
    } else {
      if (args.length < count - 1) this.fail(node, `expected at least ${count - 1} argument(s) in call to "${func}", got ${args.length}`);
      if (signature.optional > 0 && args.length > count - 1 + signature.optional) {
        this.fail(node, `expected at most ${count - 1 + signature.optional} argument(s) in call to "${func}", got ${args.length}`);
      }
    }
    args.forEach((arg, i) => {
      const want = signature.args[Math.min(i, count - 1)]!;
      this.expectType(arg, want, `call to function "${func}"`, node);
    });
    return { kind: 'call', func, args };
  }

  private aggregate(node: SyntaxNode): Expr {
    let op: AggregateOp | undefined;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[] = [];
    for (const c of childrenOf(node)) {
      if (c.type.name === 'AggregateOp') op = this.slice(c) as AggregateOp;
      else if (c.type.name === 'AggregateModifier') {
        for (const m of childrenOf(c)) {
          if (m.type.name === 'Without') without = true;
          else if (m.type.name === 'GroupingLabels') grouping = this.labelNames(m);
        }
      } else if (c.type.name === 'FunctionCallBody') args = childrenOf(c).map((a) => this.expr(a));
    }
    if (op === undefined) return this.fail(node, 'unexpected aggregation');
    const withParam = AGGREGATES_WITH_PARAM.has(op);
    const want = withParam ? 2 : 1;
    if (args.length !== want) this.fail(node, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    const expr = args[want - 1]!;
    const param = withParam ? args[0] : undefined;
    this.expectType(expr, 'vector', 'aggregation expression', node);
    if (param !== undefined) this.expectType(param, op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter', node);
    return { kind: 'aggregate', op, expr, param, grouping, without };
  }

  private expectType(expr: Expr, want: ValueType, context: string, node: SyntaxNode): void {
    const got = typeOf(expr);
    if (got !== want) this.fail(node, `expected type ${typeName(want)} in ${context}, got ${typeName(got)}`);
  }
}

const OLD_SMOOTHING = 'holt_winters';
const NEW_SMOOTHING = 'double_exponential_smoothing';

/**
 * The text as the grammar can read it, where Prometheus's own lexer reads more than the grammar:
 * - `holt_winters`, Prometheus 2's name of double_exponential_smoothing, which dashboards written
 *   for Prometheus 2 still call (the grammar knows only the new name);
 * - `0X1F` (upper-case hex prefix) and `5.` (a number ending in its point), read as `0x1f` and `5`.
 * Quoted text is left alone; `renamedAt` keeps where the longer name went in, for error positions
 * (the other rewrites keep the length).
 */
function normalizeSource(text: string): { source: string; renamedAt: number[] } {
  const renamedAt: number[] = [];
  let shift = 0;
  const source = text.replace(
    /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|\bholt_winters(?=\s*\()|\b0X(?=[0-9a-fA-F])|(?<![\w.])(\d+)\.(?![\w.])/g,
    (match: string, quoted: string | undefined, digits: string | undefined, at: number) => {
      if (quoted !== undefined) return quoted;
      if (match === '0X') return '0x';
      if (digits !== undefined) return `${digits} `;
      renamedAt.push(at + shift);
      shift += NEW_SMOOTHING.length - OLD_SMOOTHING.length;
      return NEW_SMOOTHING;
    },
  );
  return { source, renamedAt };
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

/** Prometheus's names for value types in messages. */
function typeName(type: ValueType): string {
  switch (type) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return type;
  }
}

function describe(expr: Expr): string {
  return typeName(typeOf(expr));
}

function describeToken(token: string): string {
  if (/^\d/.test(token)) return `number "${token}"`;
  if (/^["']/.test(token)) return `string ${token}`;
  if (/^[A-Za-z_:]/.test(token)) return `identifier "${token}"`;
  return `character "${token}"`;
}
