/**
 * PromQL back to text and to JSON, as Prometheus 3 prints its AST:
 * - `printPromql`: one line, Prometheus's `String()` (`sum by (job) (rate(foo{a="b"}[5m]))`);
 * - `prettifyPromql`: Prometheus's `Prettify` (what `/api/v1/format_query` answers): the one-line
 *   form when it fits in 100 characters, otherwise split over indented lines node by node;
 * - `promqlAstJson`: the tree `/api/v1/parse_query` answers (Prometheus's `translateAST`).
 *
 * Our parser keeps no trace of whether the metric name was written before the braces or as a
 * `__name__="..."` matcher inside them, so both print as `name{...}` (Prometheus keeps the second
 * form as written).
 */
import { MEASUREMENT_NAME, type Matcher } from '../../index/index.ts';
import { functionSignature, type AtModifier, type Expr, type VectorMatching, type VectorSelector } from './ast.ts';
import { formatFloat } from './format.ts';

/** Prometheus splits an expression whose one-line form is longer than this. */
const MAX_CHARACTERS_PER_LINE = 100;
const INDENT = '  ';
const AGGREGATES_WITH_PARAM: ReadonlySet<string> = new Set(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The expression on one line, as Prometheus's `Expr.String()`. */
export function printPromql(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatFloat(expr.value);
    case 'string':
      return goQuote(expr.value);
    case 'vector':
      return printSelector(expr) + atText(expr.at) + offsetText(expr.offsetMs);
    case 'matrix':
      return `${printSelector(expr.vector)}[${formatDuration(expr.rangeMs)}]${atText(expr.vector.at)}${offsetText(expr.vector.offsetMs)}`;
    case 'subquery':
      return printPromql(expr.expr) + subquerySuffix(expr);
    case 'call':
      return `${expr.func}(${expr.args.map(printPromql).join(', ')})`;
    case 'aggregate':
      return `${aggregateHead(expr)}(${expr.param !== undefined && AGGREGATES_WITH_PARAM.has(expr.op) ? `${printPromql(expr.param)}, ` : ''}${printPromql(expr.expr)})`;
    case 'binary':
      return `${printPromql(expr.lhs)} ${binaryOperator(expr)} ${printPromql(expr.rhs)}`;
    case 'unary':
      return expr.op + printPromql(expr.expr);
    case 'paren':
      return `(${printPromql(expr.expr)})`;
  }
}

/** The expression as `/api/v1/format_query` answers it (Prometheus's `Prettify`). */
export function prettifyPromql(expr: Expr): string {
  return pretty(expr, 0);
}

function pretty(expr: Expr, level: number): string {
  const indent = INDENT.repeat(level);
  const line = printPromql(expr);
  if (line.length <= MAX_CHARACTERS_PER_LINE) {
    // Prometheus prints a short subquery without its indent; the same here, so that answers agree.
    return expr.kind === 'subquery' ? line : indent + line;
  }
  switch (expr.kind) {
    case 'aggregate': {
      const param = expr.param !== undefined && AGGREGATES_WITH_PARAM.has(expr.op) ? `${pretty(expr.param, level + 1)},\n` : '';
      return `${indent}${aggregateHead(expr)}(\n${param}${pretty(expr.expr, level + 1)}\n${indent})`;
    }
    case 'binary':
      return `${pretty(expr.lhs, level + 1)}\n${indent}${binaryOperator(expr)}\n${pretty(expr.rhs, level + 1)}`;
    case 'call':
      return `${indent}${expr.func}(\n${expr.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${indent})`;
    case 'paren':
      return `${indent}(\n${pretty(expr.expr, level + 1)}\n${indent})`;
    case 'subquery':
      return pretty(expr.expr, level) + subquerySuffix(expr);
    case 'unary':
      // The operand's indent goes before the operator instead.
      return indent + expr.op + pretty(expr.expr, level).trim();
    default:
      // Selectors and literals never split.
      return indent + line;
  }
}

/** `sum`, `sum by (job) `, `sum without (instance) ` — the text before the parenthesis. */
function aggregateHead(expr: Extract<Expr, { kind: 'aggregate' }>): string {
  if (expr.without) return `${expr.op} without (${labelList(expr.grouping)}) `;
  if (expr.grouping.length > 0) return `${expr.op} by (${labelList(expr.grouping)}) `;
  return expr.op;
}

/** `/`, `> bool`, `* on (job) group_left (team)`. */
function binaryOperator(expr: Extract<Expr, { kind: 'binary' }>): string {
  return expr.op + (expr.returnBool ? ' bool' : '') + matchingText(expr.matching);
}

function matchingText(matching: VectorMatching | undefined): string {
  if (matching === undefined) return '';
  const grouped = matching.card === 'many-to-one' || matching.card === 'one-to-many';
  let text = '';
  if (matching.labels.length > 0 || matching.on || grouped) text = ` ${matching.on ? 'on' : 'ignoring'} (${labelList(matching.labels)})`;
  if (grouped) text += ` group_${matching.card === 'many-to-one' ? 'left' : 'right'} (${labelList(matching.include)})`;
  return text;
}

/** Label names, quoted only when they are not legacy (`[a-zA-Z_][a-zA-Z0-9_]*`) names, as Prometheus 3 writes them. */
function labelList(names: readonly string[]): string {
  return names.map((n) => (LEGACY_LABEL_NAME.test(n) ? n : goQuote(n))).join(', ');
}

/** `name{a="b",c=~"d"}`: matchers sorted as text, the metric name's own matcher left out. */
function printSelector(selector: VectorSelector): string {
  const name = selector.name ?? '';
  const parts: string[] = [];
  for (const m of selector.matchers) {
    if (m.name === MEASUREMENT_NAME && m.op === '=' && m.value === name && name !== '') continue;
    parts.push((LEGACY_LABEL_NAME.test(m.name) ? m.name : goQuote(m.name)) + m.op + goQuote(m.value));
  }
  if (parts.length === 0) return name;
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${name}{${parts.join(',')}}`;
}

function subquerySuffix(expr: Extract<Expr, { kind: 'subquery' }>): string {
  const step = expr.stepMs === 0 ? '' : formatDuration(expr.stepMs);
  return `[${formatDuration(expr.rangeMs)}:${step}]${atText(expr.at)}${offsetText(expr.offsetMs)}`;
}

function atText(at: AtModifier | undefined): string {
  if (at === undefined) return '';
  if (at.kind === 'start') return ' @ start()';
  if (at.kind === 'end') return ' @ end()';
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function offsetText(offsetMs: number): string {
  if (offsetMs > 0) return ` offset ${formatDuration(offsetMs)}`;
  if (offsetMs < 0) return ` offset -${formatDuration(-offsetMs)}`;
  return '';
}

const DURATION_UNITS: ReadonlyArray<readonly [string, number, boolean]> = [
  // Years and weeks only when they divide exactly: 90d reads better than 12w6d.
  ['y', 365 * 24 * 3600_000, true],
  ['w', 7 * 24 * 3600_000, true],
  ['d', 24 * 3600_000, false],
  ['h', 3600_000, false],
  ['m', 60_000, false],
  ['s', 1000, false],
  ['ms', 1, false],
];

/** A duration as Prometheus's `model.Duration.String()`: `1h30m`, `90d`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  for (const [unit, size, exact] of DURATION_UNITS) {
    if (exact && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

/** Go's `strconv.Quote`: double quotes, Go escapes, non-printable characters as `\x`/`\u`/`\U`. */
function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const escape = SHORT_ESCAPES[ch];
    if (escape !== undefined) out += escape;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code !== 0x20 && NON_PRINTABLE.test(ch)) out += code < 0x10000 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
    else out += ch;
  }
  return out + '"';
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** A node of `/api/v1/parse_query`'s tree (Prometheus's `translateAST`). */
export type AstJson = { readonly [key: string]: AstJsonValue };
export type AstJsonValue = string | number | boolean | null | AstJson | readonly AstJsonValue[];

/** The expression's tree in the JSON shape Prometheus 3's `/api/v1/parse_query` answers. */
export function promqlAstJson(expr: Expr): AstJson {
  switch (expr.kind) {
    case 'number':
      return { type: 'numberLiteral', val: formatFloat(expr.value) };
    case 'string':
      return { type: 'stringLiteral', val: expr.value };
    case 'vector':
      return { type: 'vectorSelector', ...selectorJson(expr) };
    case 'matrix': {
      const { name, offset, matchers, timestamp, startOrEnd } = selectorJson(expr.vector);
      return { type: 'matrixSelector', name, range: expr.rangeMs, offset, matchers, timestamp, startOrEnd };
    }
    case 'subquery':
      return { type: 'subquery', expr: promqlAstJson(expr.expr), range: expr.rangeMs, offset: expr.offsetMs, step: expr.stepMs, ...atJson(expr.at) };
    case 'call': {
      const signature = functionSignature(expr.func);
      return {
        type: 'call',
        func: { name: expr.func, argTypes: signature?.args ?? [], variadic: signature?.optional ?? 0, returnType: signature?.returns ?? 'vector' },
        args: expr.args.map(promqlAstJson),
      };
    }
    case 'aggregate':
      return { type: 'aggregation', op: expr.op, expr: promqlAstJson(expr.expr), param: expr.param === undefined ? null : promqlAstJson(expr.param), grouping: expr.grouping, without: expr.without };
    case 'binary': {
      const m = expr.matching;
      const matching = m === undefined ? null : { card: m.card, labels: m.labels, on: m.on, include: m.include };
      return { type: 'binaryExpr', op: expr.op, lhs: promqlAstJson(expr.lhs), rhs: promqlAstJson(expr.rhs), matching, bool: expr.returnBool };
    }
    case 'unary':
      return { type: 'unaryExpr', op: expr.op, expr: promqlAstJson(expr.expr) };
    case 'paren':
      return { type: 'parenExpr', expr: promqlAstJson(expr.expr) };
  }
}

function selectorJson(selector: VectorSelector): { name: string; offset: number; matchers: AstJson[]; timestamp: number | null; startOrEnd: string | null } {
  // Prometheus appends the matcher of a name written before the braces after the others.
  const matchers: Matcher[] = [...selector.matchers];
  const first = matchers[0];
  if (selector.name !== undefined && first !== undefined && first.name === MEASUREMENT_NAME && first.op === '=' && first.value === selector.name) {
    matchers.push(matchers.shift()!);
  }
  return {
    name: selector.name ?? '',
    offset: selector.offsetMs,
    matchers: matchers.map((m) => ({ name: m.name, value: m.value, type: m.op })),
    ...atJson(selector.at),
  };
}

function atJson(at: AtModifier | undefined): { timestamp: number | null; startOrEnd: string | null } {
  if (at === undefined) return { timestamp: null, startOrEnd: null };
  return at.kind === 'time' ? { timestamp: at.ms, startOrEnd: null } : { timestamp: null, startOrEnd: at.kind };
}
