/**
 * The reasons a line is rejected, worded as influxd words them (`models/points.go`), since
 * clients match on them: every error reads `unable to parse '<line>': <reason>`.
 */

export const MAX_KEY_LENGTH = 65535;

export const MISSING_FIELDS = 'missing fields';
export const MISSING_MEASUREMENT = 'missing measurement';
export const MISSING_TAG_KEY = 'missing tag key';
export const MISSING_TAG_VALUE = 'missing tag value';
export const INVALID_TAG_FORMAT = 'invalid tag format';
export const DUPLICATE_TAGS = 'duplicate tags';
export const MISSING_FIELD_KEY = 'missing field key';
export const MISSING_FIELD_VALUE = 'missing field value';
export const INVALID_FIELD_FORMAT = 'invalid field format';
export const INVALID_NUMBER = 'invalid number';
export const INVALID_FLOAT = 'invalid float';
export const INVALID_BOOLEAN = 'invalid boolean';
export const UNBALANCED_QUOTES = 'unbalanced quotes';
export const BAD_TIMESTAMP = 'bad timestamp';
export const POINT_IS_INVALID = 'point is invalid';
export const TIME_OUTSIDE_RANGE = 'time outside range -9223372036854775806 - 9223372036854775806';

/**
 * Ours, not influxd's: `__name__` is the name queries use for the measurement (Prometheus' metric
 * name), so a tag of that name could never be selected.
 */
export const RESERVED_TAG_KEY = 'invalid tag key "__name__": the name is reserved for the measurement';

export function keyTooLong(length: number): string {
  return `max key length exceeded: ${length} > ${MAX_KEY_LENGTH}`;
}

/** An `i`/`u` value that Go's strconv rejects: `range` for out of range, otherwise a syntax error. */
export function integerError(unsigned: boolean, text: string, range: boolean): string {
  const what = unsigned ? 'unsigned' : 'integer';
  const fn = unsigned ? 'ParseUint' : 'ParseInt';
  return `unable to parse ${what} ${text}: strconv.${fn}: parsing "${text}": ${range ? 'value out of range' : 'invalid syntax'}`;
}

/** A timestamp that Go's strconv.ParseInt rejects. */
export function timestampError(text: string, range: boolean): string {
  return `strconv.ParseInt: parsing "${text}": ${range ? 'value out of range' : 'invalid syntax'}`;
}

/** The message of a rejected line; `text` is the line without its line break. */
export function lineError(text: string, reason: string): string {
  return `unable to parse '${text}': ${reason}`;
}
