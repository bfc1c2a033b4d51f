/**
 * Snappy's block format, which remote write and remote read bodies use (not its framed stream
 * format). The native `snappy` binding decodes 2-10x faster than the pure-JS snappyjs here
 * (bench/remotewrite-decode.bench.ts prints both).
 */
import snappy from 'snappy';
import { RustsError } from '../../core/index.ts';

/** A body that is not a snappy block: HTTP 400. */
export class SnappyDecodeError extends RustsError {
  constructor(detail: string) {
    super('bad_snappy', `cannot decode the snappy-compressed body: ${detail}`);
  }
}

/** A snappy block that would decompress past the server's limit: HTTP 413, refused before decoding. */
export class SnappyTooLargeError extends RustsError {
  constructor(size: number, limit: number) {
    super('payload_too_large', `request body too large: ${size} bytes once decompressed, over the limit of ${limit} bytes (limits.max_decompressed_size)`);
  }
}

/** The decompressed size a snappy block declares in its header (a uvarint), or -1 when the header is malformed. */
export function snappyDecodedLength(block: Uint8Array): number {
  let result = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    result += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return result <= 0xffffffff ? result : -1;
  }
  return -1;
}

/** Decompresses a snappy block, refusing before any work one that declares more than `maxBytes`. */
export function uncompressSnappy(block: Buffer, maxBytes: number): Buffer {
  const length = snappyDecodedLength(block);
  if (length < 0) throw new SnappyDecodeError(block.length === 0 ? 'the body is empty' : 'corrupt length header');
  if (length > maxBytes) throw new SnappyTooLargeError(length, maxBytes);
  try {
    // Copied out: without the copy the binding hands its own allocation to V8 as an external
    // buffer, freed only when a garbage collection gets to it, and a decode worker then spent twice
    // the system time (page faults of fresh half-megabyte blocks) on every request.
    return snappy.uncompressSync(block, { asBuffer: true, copyOutputData: true }) as Buffer;
  } catch (err) {
    throw new SnappyDecodeError((err as Error).message);
  }
}

/** Compresses a response body as one snappy block. */
export function compressSnappy(data: Uint8Array): Buffer {
  return snappy.compressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
