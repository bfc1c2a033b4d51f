import { fieldTypeName, type FieldType } from './field.ts';

/**
 * Every error that RusTs reports on purpose carries a stable `code`; adapters map codes to their
 * protocol's status codes and wording (in `api`), so nothing below `api` knows about HTTP.
 */
export class RustsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A point that cannot be stored: the rest of its batch is still written. */
export class InvalidPointError extends RustsError {
  constructor(readonly seriesKey: string, reason: string) {
    super('invalid_point', `invalid point ${seriesKey}: ${reason}`);
  }
}

/** A field written with a type other than the one it already has in its measurement. */
export class FieldTypeConflictError extends RustsError {
  constructor(
    readonly measurement: string,
    readonly field: string,
    readonly got: FieldType,
    readonly want: FieldType,
  ) {
    super(
      'field_type_conflict',
      `field type conflict: input field "${field}" on measurement "${measurement}" is type ${fieldTypeName(got)}, already exists as type ${fieldTypeName(want)}`,
    );
  }
}

export class InvalidFieldTypeError extends RustsError {
  constructor(readonly fieldType: unknown) {
    super('invalid_field_type', `unknown field type ${String(fieldType)}`);
  }
}

export class TimestampOutOfRangeError extends RustsError {
  constructor(readonly seriesKey: string, timestamp: string) {
    super('timestamp_out_of_range', `invalid point ${seriesKey}: timestamp ${timestamp} is out of the representable range`);
  }
}

/** Some points of a batch were rejected; the others were written and are durable. */
export class PartialWriteError extends RustsError {
  constructor(readonly errors: readonly RustsError[], readonly dropped: number) {
    super('partial_write', `partial write: ${errors[0]?.message ?? 'points rejected'} dropped=${dropped}`);
  }
}

/** Bytes on disk that do not decode: names the file and the offset of the bad data. */
export class CorruptionError extends RustsError {
  constructor(readonly file: string, readonly offset: number, detail: string) {
    super('corruption', `corrupt data in "${file}" at offset ${offset}: ${detail}`);
  }
}

/** Input to a codec that cannot be decoded (truncated block, unknown encoding tag). */
export class DecodeError extends RustsError {
  constructor(detail: string) {
    super('decode', detail);
  }
}

/** The engine is closed, or was never opened. */
export class EngineClosedError extends RustsError {
  constructor() {
    super('engine_closed', 'storage engine is closed');
  }
}
