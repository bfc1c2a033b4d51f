/**
 * The protobuf wire format, read and written by hand for the two hot paths: decoding remote write
 * requests straight into columns, and encoding remote read responses from them. protobufjs (see
 * proto.ts) decodes to an object per message and a `Long` per int64; on 2,000-series requests
 * that was 2.3x slower (bench/remotewrite-decode.bench.ts prints both).
 */
import { RustsError } from '../../core/index.ts';

/** Wire types of a field's tag. */
export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;

/** A body that is not the protobuf message it claims to be: HTTP 400, nothing of it is written. */
export class ProtobufDecodeError extends RustsError {
  constructor(message: string, at: number) {
    super('bad_protobuf', `cannot decode protobuf: ${message} at byte ${at}`);
  }
}

const TWO_32 = 2 ** 32;

/**
 * A cursor over one message's bytes [pos, end). Fields are read with `tag()` then the reader of
 * the field's wire type; `enter(end)` narrows to a sub-message, whose caller restores `end`.
 */
export class ProtoReader {
  pos: number;
  end: number;
  /** Spans `buf`, for reading its bytes four at a time. */
  readonly view: DataView;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field tag: field number * 8 + wire type. */
  tag(): number {
    return this.uint32();
  }

  /** A varint taken as 32 bits unsigned (tags, lengths, enum values, uint32 fields); longer ones are truncated, as protobuf does. */
  uint32(): number {
    const buf = this.buf;
    const pos = this.pos;
    // One and two bytes (tags, and the lengths of labels and series) in a body small enough to inline.
    if (pos + 1 < this.end) {
      const b0 = buf[pos]!;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
      const b1 = buf[pos + 1]!;
      if (b1 < 0x80) {
        this.pos = pos + 2;
        return (b0 & 0x7f) | (b1 << 7);
      }
    } else if (pos < this.end && buf[pos]! < 0x80) {
      this.pos = pos + 1;
      return buf[pos]!;
    }
    return this.longUint32();
  }

  private longUint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw new ProtobufDecodeError('truncated varint', pos);
      const b = buf[pos++]!;
      if (i < 5) result += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        this.pos = pos;
        return result % TWO_32;
      }
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes', pos);
  }

  /**
   * An int64 varint as a number: exact within ±2^53, which holds every millisecond timestamp a
   * Timestamp can represent; beyond it the value is only approximate, and callers range-check it.
   */
  int64(): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw new ProtobufDecodeError('truncated varint', pos);
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        // hi is the high word in two's complement: negative int64s come out negative.
        return (hi | 0) * TWO_32 + (lo >>> 0);
      }
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes', pos);
  }

  /**
   * A double. As a number it keeps NaN payloads (Prometheus's stale marker) as long as it goes
   * into typed arrays and object fields: V8 sets the quiet bit of a NaN stored in a plain array.
   */
  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufDecodeError('truncated fixed64', this.pos);
    // DataView reads compile to a load; Buffer.readDoubleLE was a sixth of the decode.
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The length of a length-delimited field; its bytes are [pos, pos + length) afterwards. */
  bytesLength(): number {
    const length = this.uint32();
    if (length > this.end - this.pos) throw new ProtobufDecodeError(`length ${length} runs past the end of the message`, this.pos);
    return length;
  }

  /** A string field, decoded as UTF-8. */
  string(): string {
    const length = this.bytesLength();
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }

  /** Skips a field of `wireType` whose tag was just read. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.int64();
        return;
      case WireType.Fixed64:
        if (this.pos + 8 > this.end) throw new ProtobufDecodeError('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case WireType.Bytes: {
        // Read the length first: `this.pos += ...` would add to the position from before it.
        const length = this.bytesLength();
        this.pos += length;
        return;
      }
      case WireType.Fixed32:
        if (this.pos + 4 > this.end) throw new ProtobufDecodeError('truncated fixed32', this.pos);
        this.pos += 4;
        return;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType}`, this.pos);
    }
  }

  /** Fails unless the field just read has the wire type its schema gives it. */
  expect(wireType: number, tag: number): void {
    if ((tag & 7) !== wireType) throw new ProtobufDecodeError(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`, this.pos);
  }
}

/**
 * Appends protobuf fields to a growing buffer. Sub-messages are written by reserving their length
 * (`beginMessage`) and patching it once their content is known (`endMessage`), so nothing is
 * encoded twice.
 */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** The bytes written so far (a view, valid until the next write). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  uint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  /** An int64 varint from a number within ±2^53 (negative values take 10 bytes, as protobuf has it). */
  int64(value: number): void {
    this.ensure(10);
    let lo = value >>> 0;
    let hi = Math.floor(value / TWO_32) >>> 0;
    while (hi !== 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A length-delimited field holding `bytes`. */
  bytes(field: number, bytes: Uint8Array): void {
    this.tag(field, WireType.Bytes);
    this.uint32(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  string(field: number, value: string): void {
    this.tag(field, WireType.Bytes);
    const length = Buffer.byteLength(value, 'utf8');
    this.uint32(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** Starts a sub-message of `field`; returns the mark `endMessage` needs. */
  beginMessage(field: number): number {
    this.tag(field, WireType.Bytes);
    // Five bytes hold any length up to 2^35; endMessage writes it as a padded varint in place.
    this.ensure(5);
    const mark = this.pos;
    this.pos += 5;
    return mark;
  }

  /** Ends the sub-message begun at `mark`, writing its length. */
  endMessage(mark: number): void {
    const length = this.pos - mark - 5;
    const size = varintSize(length);
    // Shift the content back over the unused length bytes, so the encoding stays canonical.
    if (size < 5) this.buf.copy(this.buf, mark + size, mark + 5, this.pos);
    let v = length;
    for (let i = 0; i < size - 1; i++) {
      this.buf[mark + i] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[mark + size - 1] = v;
    this.pos -= 5 - size;
  }
}

/** Bytes of the varint encoding of a non-negative 32-bit value. */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
