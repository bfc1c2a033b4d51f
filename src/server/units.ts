// Prometheus' duration syntax: units from largest to smallest, each at most once ("1h30m", "100ms").
// Backtracking keeps "5ms" from being read as "5m" followed by a stray "s".
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
// Milliseconds per unit, in the order of DURATION's groups.
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/**
 * Parse a duration such as `"10s"`, `"5m"`, `"1d"` or `"1h30m"` into milliseconds.
 *
 * Units are `w`, `d`, `h`, `m`, `s`, `ms`, largest first, each at most once, integers only. A bare
 * number is rejected on purpose: `"10"` could mean seconds or milliseconds.
 * @throws RangeError naming the input when it is not a duration
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (text === '' || match === null) {
    throw new RangeError(`cannot parse duration "${text}": expected an integer and a unit (w, d, h, m, s, ms), e.g. "10s", "5m", "1d", "1h30m"`);
  }
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const count = match[i + 1];
    if (count !== undefined) ms += Number(count) * UNIT_MS[i]!;
  }
  if (!Number.isSafeInteger(ms)) throw new RangeError(`duration "${text}" is too long`);
  return ms;
}

const BYTES_PER_UNIT: Readonly<Record<string, number>> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
const SIZE = /^(\d+)(B|KiB|MiB|GiB|TiB)$/;
const DECIMAL_UNIT = /^(\d+)\s*(KB|MB|GB|TB|kB|kb|mb|gb|tb|K|M|G|T)$/;

/**
 * Parse a size such as `"64MiB"` into bytes.
 *
 * Units are `B`, `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), integers only. `"64MB"` is rejected
 * rather than guessed at, because tools disagree on whether it means 10^6 or 2^20.
 * @throws RangeError naming the input when it is not a size
 */
export function parseSize(text: string): number {
  const match = SIZE.exec(text);
  if (match === null) {
    const decimal = DECIMAL_UNIT.exec(text);
    if (decimal !== null) {
      const suggestion = `${decimal[1]}${decimal[2]![0]!.toUpperCase()}iB`;
      throw new RangeError(`cannot parse size "${text}": write "${suggestion}" (sizes use 1024-based units: B, KiB, MiB, GiB, TiB)`);
    }
    throw new RangeError(`cannot parse size "${text}": expected an integer and a unit (B, KiB, MiB, GiB, TiB), e.g. "64MiB"`);
  }
  const bytes = Number(match[1]) * BYTES_PER_UNIT[match[2]!]!;
  if (!Number.isSafeInteger(bytes)) throw new RangeError(`size "${text}" is too large`);
  return bytes;
}
