/**
 * A sample value as the Prometheus API writes it: the shortest decimal that reads back as the same
 * float, in exponent form below 1e-6 and from 1e21 on (Go's 'e' format, exponent of two digits at
 * least: `1e-07`), `NaN`, `+Inf`, `-Inf`.
 */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  // JS switches to exponent form at the same magnitudes.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * A number as PromQL writes it into a label (count_values): Go's strconv.FormatFloat(v, 'f', -1, 64),
 * the shortest decimal that reads back as the same float, never in exponent form.
 */
export function formatFloatPlain(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  // Shortest digits from JS, placed without the exponent.
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const intDigits = (point < 0 ? mantissa.length : point) + exponent;
  let out: string;
  if (intDigits <= 0) out = `0.${'0'.repeat(-intDigits)}${digits}`;
  else if (intDigits >= digits.length) out = digits + '0'.repeat(intDigits - digits.length);
  else out = `${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`;
  return negative ? `-${out}` : out;
}
