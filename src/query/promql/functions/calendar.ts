/**
 * The date functions (year(), hour(), ...) on a Unix time in seconds, in UTC, on the proleptic
 * Gregorian calendar, as Go's `time` package answers them. Prometheus first truncates the value to
 * whole seconds towards zero (`int64(v)`), so -0.5 is 1970-01-01 00:00:00.
 *
 * Values Go cannot convert to int64 (NaN, ±Inf, |v| ≥ 2⁶³) give NaN here; Prometheus answers
 * whatever date the platform's out-of-range conversion lands on.
 */

const SECONDS_PER_DAY = 86400;
const INT64_LIMIT = 2 ** 63;

/** The broken-down date of the last `toCivil` call, reused to spare an allocation per sample. */
const civil = { year: 0, month: 0, day: 0, days: 0, secondOfDay: 0 };

function toCivil(seconds: number): typeof civil | undefined {
  if (!(Math.abs(seconds) < INT64_LIMIT)) return undefined;
  const whole = Math.trunc(seconds);
  const days = Math.floor(whole / SECONDS_PER_DAY);
  civil.days = days;
  civil.secondOfDay = whole - days * SECONDS_PER_DAY;
  // Howard Hinnant's civil_from_days: years counted from March, so the leap day ends the year.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  civil.day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  civil.month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  civil.year = yearOfEra + era * 400 + (civil.month <= 2 ? 1 : 0);
  return civil;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function year(seconds: number): number {
  return toCivil(seconds)?.year ?? NaN;
}

/** 1 for January. */
export function month(seconds: number): number {
  return toCivil(seconds)?.month ?? NaN;
}

export function dayOfMonth(seconds: number): number {
  return toCivil(seconds)?.day ?? NaN;
}

/** 1 to 366. */
export function dayOfYear(seconds: number): number {
  const c = toCivil(seconds);
  if (c === undefined) return NaN;
  return DAYS_BEFORE_MONTH[c.month - 1]! + c.day + (c.month > 2 && isLeapYear(c.year) ? 1 : 0);
}

/** 0 for Sunday; 1970-01-01 was a Thursday. */
export function dayOfWeek(seconds: number): number {
  const c = toCivil(seconds);
  if (c === undefined) return NaN;
  return (((c.days + 4) % 7) + 7) % 7;
}

export function daysInMonth(seconds: number): number {
  const c = toCivil(seconds);
  if (c === undefined) return NaN;
  return c.month === 2 && isLeapYear(c.year) ? 29 : DAYS_IN_MONTH[c.month - 1]!;
}

export function hour(seconds: number): number {
  const c = toCivil(seconds);
  return c === undefined ? NaN : Math.floor(c.secondOfDay / 3600);
}

export function minute(seconds: number): number {
  const c = toCivil(seconds);
  return c === undefined ? NaN : Math.floor((c.secondOfDay % 3600) / 60);
}
