import type { Precision } from '../lineprotocol/index.ts';

// InfluxDB 1.x spells nanoseconds and microseconds `n` and `u`; both spellings are accepted.
const PRECISIONS: Readonly<Record<string, Precision>> = { ns: 'ns', n: 'ns', us: 'us', u: 'us', ms: 'ms', s: 's', m: 'm', h: 'h' };

/**
 * The `precision` query parameter of a write; nanoseconds when absent.
 * @throws RangeError naming the value and the accepted ones
 */
export function parsePrecision(value: string | undefined): Precision {
  if (value === undefined || value === '') return 'ns';
  const precision = PRECISIONS[value];
  if (precision === undefined) throw new RangeError(`invalid precision "${value}": expected one of ns, us, ms, s, m, h`);
  return precision;
}
