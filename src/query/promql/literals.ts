/** PromQL's literals: numbers, durations and Go-quoted strings. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS_IN_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/**
 * A duration (`1h30m`, units y w d h m s ms, each at most once, largest first) or, as Prometheus 3
 * accepts wherever a duration goes, a number of seconds. Milliseconds; undefined if neither.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match !== null && text !== '') {
    let ms = 0;
    UNITS_IN_ORDER.forEach((unit, i) => {
      if (match[i + 1] !== undefined) ms += Number(match[i + 1]) * UNIT_MS[unit]!;
    });
    return ms;
  }
  const seconds = parseFloatLiteral(text);
  return seconds === undefined || !Number.isFinite(seconds) ? undefined : Math.round(seconds * 1000);
}

/** A number literal (decimal, hex, Inf, NaN) or a duration read as seconds (`5m` is 300). */
export function parseNumber(text: string): number | undefined {
  const value = parseFloatLiteral(text);
  if (value !== undefined) return value;
  const ms = parseDurationMs(text);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * A number as Prometheus's lexer reads one: an integer in Go's base-0 syntax first (`0x1f`, `0o17`,
 * `0b101`, and a leading 0 for octal: `0777` is 511), else a float (`1.5e3`, `.5`, `Inf`, `NaN`).
 * A sign may come first, with spaces after it (`- 1`), as the grammar hands a negative literal over.
 */
function parseFloatLiteral(text: string): number | undefined {
  const signed = /^([+-])\s*/.exec(text);
  const sign = signed?.[1] === '-' ? -1 : 1;
  // Go's number syntax takes underscores between digits ("1_000").
  const body = text.slice(signed?.[0].length ?? 0).replace(/([0-9a-fA-F])_(?=[0-9a-fA-F])/g, '$1');
  const lower = body.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * Number.parseInt(lower.slice(2), 16);
  if (/^0b[01]+$/.test(lower)) return sign * Number.parseInt(lower.slice(2), 2);
  if (/^0o[0-7]+$/.test(lower)) return sign * Number.parseInt(lower.slice(2), 8);
  if (/^0[0-7]+$/.test(lower)) return sign * Number.parseInt(lower.slice(1), 8);
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) return undefined;
  return sign * Number(lower);
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** The value of a double-, single- or back-quoted string as Go's strconv.Unquote reads it; undefined if malformed. */
export function unquoteString(text: string): string | undefined {
  const quote = text[0];
  if (text.length < 2 || text[text.length - 1] !== quote) return undefined;
  const body = text.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body;
  if (quote !== '"' && quote !== "'") return undefined;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote || c === '\n') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      // A quote of the other kind may not be escaped in Go.
      if ((e === "'" && quote === '"') || (e === '"' && quote === "'")) return undefined;
      out += simple;
      continue;
    }
    const hexDigits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexDigits > 0) {
      const hex = body.slice(i + 1, i + 1 + hexDigits);
      if (!new RegExp(`^[0-9a-fA-F]{${hexDigits}}$`).test(hex)) return undefined;
      const code = Number.parseInt(hex, 16);
      if (e === 'x') out += String.fromCharCode(code);
      else if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return undefined;
      else out += String.fromCodePoint(code);
      i += hexDigits;
      continue;
    }
    if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) return undefined;
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 2;
      continue;
    }
    return undefined;
  }
  return out;
}
