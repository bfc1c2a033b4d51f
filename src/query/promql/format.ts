/**
 * A sample value as the Prometheus API writes it: the shortest decimal that reads back as the same
 * float, in exponent form below 1e-6 and from 1e21 on (Go's 'e' format, exponent of two digits at
 * least: `1e-07`), `NaN`, `+Inf`, `-Inf`.
 */
export function formatFloat(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
  // JS switches to exponent form at the same magnitudes; Go writes at least two exponent digits.
  const text = String(value);
  const e = text.length - 3;
  return e > 0 && text.charCodeAt(e) === 101 /* e */ ? `${text.slice(0, e + 2)}0${text.slice(e + 2)}` : text;
}

/**
 * A number as PromQL writes it into a label (count_values): Go's strconv.FormatFloat(v, 'f', -1, 64),
 * the shortest decimal that reads back as the same float, never in exponent form.
 */
export function formatFloatPlain(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
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

/**
 * A number as Go's %v prints a float64 in messages: the shortest digits, in exponent form when the
 * exponent is below -4 or at least 6 (`1e+20`, `-1e+19`, `1.5e+06`, `123456`, `+Inf`).
 */
export function formatFloatG(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return formatFloatPlain(value);
}

/** NaN, the infinities and negative zero, as Go prints them in every format. */
function specialText(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  return undefined;
}
