import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Context } from 'koa';
import { RustsError } from '../../core/index.ts';

/** A request body, as sent or once decompressed, is over its limit: HTTP 413. */
export class PayloadTooLargeError extends RustsError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/** A `Content-Encoding` that RusTs cannot decode: HTTP 415. */
export class UnsupportedEncodingError extends RustsError {
  constructor(message: string) {
    super('unsupported_encoding', message);
  }
}

/** A body that cannot be read: corrupt gzip, or the client left before sending all of it. HTTP 400. */
export class BadRequestBodyError extends RustsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_request_body', message, options);
  }
}

/** The body size limits of `[limits]`. */
export interface BodyLimits {
  /** Most bytes of a body as sent (compressed, if it is). */
  readonly maxBodyBytes: number;
  /** Most bytes of a compressed body once decompressed. */
  readonly maxDecompressedBytes: number;
}

/** What a caller of `readRequestBody` decodes itself. */
export interface ReadBodyOptions {
  /**
   * Content-Encodings the caller decodes itself, such as Prometheus remote write's `snappy`: such a
   * body is returned as sent, limited by `maxBodyBytes` only, and the caller must hold its decoded
   * size to `maxDecompressedBytes` (a snappy block states it up front: check before decoding).
   */
  readonly rawEncodings?: readonly string[];
}

/**
 * Read the whole request body into one Buffer, decompressing `Content-Encoding: gzip`; the one way
 * every write endpoint reads a body.
 *
 * A `Content-Length` over `maxBodyBytes` is refused before anything is read; a body sent without
 * one is refused as soon as it passes the limit. A gzip body is inflated as it arrives and refused
 * as soon as its inflated size passes `maxDecompressedBytes`, so a gzip bomb costs at most that
 * much memory and CPU. A refused body is not read any further, and the connection is closed after
 * the response (`Connection: close`) rather than left to discard the rest.
 * @throws PayloadTooLargeError (413), UnsupportedEncodingError (415), BadRequestBodyError (400: corrupt gzip, body cut short)
 */
export async function readRequestBody(ctx: Context, limits: BodyLimits, options: ReadBodyOptions = {}): Promise<Buffer> {
  const encoding = contentEncoding(ctx.get('Content-Encoding'), options.rawEncodings ?? []);
  const lengthHeader = ctx.get('Content-Length');
  // Node's HTTP parser has already refused a malformed Content-Length.
  const length = lengthHeader === '' ? undefined : Number(lengthHeader);
  if (length !== undefined && length > limits.maxBodyBytes) {
    throw refuse(ctx, `request body too large: Content-Length ${length} is over the limit of ${limits.maxBodyBytes} bytes (limits.max_body_size)`);
  }
  if (ctx.req.readableEnded || ctx.req.readableDidRead) throw new Error('BUG: the request body was already read');
  return encoding === 'gzip' ? readGzip(ctx, limits) : readPlain(ctx, limits.maxBodyBytes, length);
}

function contentEncoding(header: string, rawEncodings: readonly string[]): string {
  const encoding = header.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  if (rawEncodings.includes(encoding)) return encoding;
  const accepted = ['gzip', 'identity', ...rawEncodings].map((e) => `"${e}"`).join(', ');
  throw new UnsupportedEncodingError(`unsupported Content-Encoding "${header}": use one of ${accepted}`);
}

/**
 * Mark the connection to close after the error response: otherwise Node would read and discard
 * the rest of a refused body to keep the connection alive, up to its whole declared length.
 */
function refuse(ctx: Context, message: string): PayloadTooLargeError {
  ctx.set('Connection', 'close');
  return new PayloadTooLargeError(message);
}

function readPlain(ctx: Context, maxBytes: number, length: number | undefined): Promise<Buffer> {
  // With a Content-Length the body lands in one buffer of that size, with no copy at the end.
  // allocUnsafe does not touch the memory, so a client that declares a large body and sends
  // nothing costs address space, not RAM.
  const buffer = length === undefined ? null : Buffer.allocUnsafe(length);
  const chunks: Buffer[] = [];
  let received = 0;
  return consume(ctx.req, {
    onData(chunk) {
      if (received + chunk.length > maxBytes) {
        throw refuse(ctx, `request body too large: over the limit of ${maxBytes} bytes (limits.max_body_size)`);
      }
      if (buffer === null) chunks.push(chunk);
      else chunk.copy(buffer, received);
      received += chunk.length;
    },
    onEnd: () => buffer ?? Buffer.concat(chunks, received),
  });
}

function readGzip(ctx: Context, limits: BodyLimits): Promise<Buffer> {
  // zlib inflates on the libuv thread pool, off the event loop.
  const gunzip = createGunzip();
  const chunks: Buffer[] = [];
  let received = 0;
  let inflated = 0;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      ctx.req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onClose);
      gunzip.off('data', onInflated).off('end', onInflatedEnd).off('error', onGunzipError).off('drain', onDrain);
      if (err === null) {
        resolve(body!);
      } else {
        // Nothing listens to the inflater any more: a late error of it must not crash the process.
        gunzip.on('error', () => {}).destroy();
        ctx.req.pause();
        reject(err);
      }
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxBodyBytes) {
        finish(refuse(ctx, `request body too large: over the limit of ${limits.maxBodyBytes} bytes (limits.max_body_size)`));
      } else if (!gunzip.write(chunk)) {
        ctx.req.pause();
      }
    };
    const onDrain = (): void => void ctx.req.resume();
    const onEnd = (): void => void gunzip.end();
    const onAbort = (err: Error): void => finish(cutShort(err));
    const onClose = (): void => {
      if (!ctx.req.complete) finish(cutShort());
    };
    const onInflated = (chunk: Buffer): void => {
      inflated += chunk.length;
      if (inflated > limits.maxDecompressedBytes) {
        finish(refuse(ctx, `request body too large: over ${limits.maxDecompressedBytes} bytes once decompressed (limits.max_decompressed_size)`));
      } else {
        chunks.push(chunk);
      }
    };
    const onInflatedEnd = (): void => finish(null, Buffer.concat(chunks, inflated));
    const onGunzipError = (err: Error): void => finish(new BadRequestBodyError(`cannot decompress the gzip request body: ${err.message}`, { cause: err }));
    ctx.req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onClose);
    gunzip.on('data', onInflated).on('end', onInflatedEnd).on('error', onGunzipError).on('drain', onDrain);
  });
}

/** Feed the request's chunks to `onData` (which may throw to stop reading) and resolve with `onEnd()`. */
function consume(req: IncomingMessage, handlers: { onData: (chunk: Buffer) => void; onEnd: () => Buffer }): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const detach = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      try {
        handlers.onData(chunk);
      } catch (err) {
        detach();
        req.pause();
        reject(err);
      }
    };
    const onEnd = (): void => {
      detach();
      resolve(handlers.onEnd());
    };
    const onAbort = (err: Error): void => {
      detach();
      reject(cutShort(err));
    };
    const onClose = (): void => {
      if (req.complete) return;
      detach();
      reject(cutShort());
    };
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onClose);
  });
}

function cutShort(cause?: Error): BadRequestBodyError {
  return new BadRequestBodyError('request body cut short: the client closed the connection before sending all of it', { cause });
}
