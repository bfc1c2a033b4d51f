import { FieldType } from '../../core/index.ts';

/**
 * What the scanners give back besides the index they return: the value scanned, or why the line
 * is bad. One instance per parser, written in place, so no object is made per value.
 */
export class ParseOut {
  /** Why the line is bad, set whenever a scanner returns -1. */
  err = '';
  /** The field value: a Float's in `num`, a Boolean's as 0/1 in `num`, the others' in `obj`. */
  type: FieldType = FieldType.Float;
  num = 0;
  obj: bigint | string = '';
  /** The hash of a series key (scanKey). */
  hash = 0;
  /** A timestamp in split form. */
  ms = 0;
  sub = 0;

  fail(reason: string): -1 {
    this.err = reason;
    return -1;
  }
}
