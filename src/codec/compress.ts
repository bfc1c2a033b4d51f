// A native CommonJS addon: Node exposes it only as the default export.
import zstd from 'zstd-napi/binding.js';
import { compressSync as lz4Compress, uncompressSync as lz4Uncompress } from 'lz4-napi';
import { corrupt } from './errors.ts';
import { Compression } from './format.ts';

/**
 * Block compression (docs/format/block.md, "Compression"). Zstd goes through zstd-napi's
 * low-level contexts so that output lands in reused buffers and decompression writes into a
 * buffer of exactly the size the header promises: a bogus frame can neither make us allocate
 * what it claims nor overrun what we expect.
 */

/** Level 1: on the devops data higher levels gain under 1% at several times the cost (research/probes.md 5a). */
export const ZSTD_LEVEL = 1;

const cctx = new zstd.CCtx();
const dctx = new zstd.DCtx();
let scratch = new Uint8Array(64 * 1024);

function scratchOf(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/**
 * Compresses `src` and returns a view of a shared scratch buffer that stays valid until the next
 * call into this module.
 */
export function compressInto(src: Uint8Array, compression: Compression): Uint8Array {
  switch (compression) {
    case Compression.None:
      return src;
    case Compression.Zstd: {
      const dst = scratchOf(zstd.compressBound(src.length));
      const n = cctx.compress(dst, src, ZSTD_LEVEL);
      return dst.subarray(0, n);
    }
    case Compression.Lz4:
      return lz4Compress(Buffer.from(src.buffer, src.byteOffset, src.length));
  }
}

/** Size of `src` once Zstd-compressed, for choosing between encodings. */
export function zstdSize(src: Uint8Array): number {
  return compressInto(src, Compression.Zstd).length;
}

let decodeScratch = new Uint8Array(64 * 1024);

/**
 * Decompresses `src`, which must hold exactly `size` bytes, into a shared scratch buffer that
 * stays valid until the next call, and throws DecodeError otherwise. The size the compressed
 * data claims is checked before the buffer is sized, so a bogus payload cannot make it large.
 */
export function decompress(src: Uint8Array, compression: number, size: number): Uint8Array {
  let claimed: number | null;
  if (compression === Compression.Zstd) {
    try {
      claimed = zstd.getFrameContentSize(src);
    } catch (err) {
      throw corrupt(`zstd: ${(err as Error).message}`);
    }
  } else if (compression === Compression.Lz4) {
    claimed = src.length < 4 ? -1 : (src[0]! | (src[1]! << 8) | (src[2]! << 16) | (src[3]! << 24)) >>> 0;
  } else {
    throw corrupt(`unknown compression ${compression}`);
  }
  if (claimed !== size) throw corrupt(`compressed payload claims ${claimed ?? 'an unknown number of'} bytes, header says ${size}`);
  if (decodeScratch.length < size) decodeScratch = new Uint8Array(Math.max(size, decodeScratch.length * 2));
  const dst = decodeScratch.subarray(0, size);
  decompressInto(src, compression, dst);
  return dst;
}

function decompressInto(src: Uint8Array, compression: number, dst: Uint8Array): void {
  switch (compression) {
    case Compression.Zstd: {
      let n: number;
      try {
        n = dctx.decompress(dst, src);
      } catch (err) {
        throw corrupt(`zstd: ${(err as Error).message}`);
      }
      if (n !== dst.length) throw corrupt(`zstd payload holds ${n} bytes, header says ${dst.length}`);
      return;
    }
    case Compression.Lz4: {
      // lz4-napi prefixes the uncompressed size; check it before it sizes an allocation.
      if (src.length < 4) throw corrupt('lz4 payload ends early');
      const size = (src[0]! | (src[1]! << 8) | (src[2]! << 16) | (src[3]! << 24)) >>> 0;
      if (size !== dst.length) throw corrupt(`lz4 payload holds ${size} bytes, header says ${dst.length}`);
      let out: Buffer;
      try {
        out = lz4Uncompress(src);
      } catch (err) {
        throw corrupt(`lz4: ${(err as Error).message}`);
      }
      if (out.length !== dst.length) throw corrupt(`lz4 payload holds ${out.length} bytes, header says ${dst.length}`);
      dst.set(out);
      return;
    }
    default:
      throw corrupt(`unknown compression ${compression}`);
  }
}
