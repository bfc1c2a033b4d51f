import { DecodeError, type ReadErrorFactory } from '../core/index.ts';

/** The error every decoder throws for input that ends early or holds nonsense. */
export function corrupt(detail: string): DecodeError {
  return new DecodeError(`Cannot decode block: ${detail}`);
}

/** The same, for ByteReaders over a block's payload: `offset` is into the uncompressed sections. */
export const corruptAt: ReadErrorFactory = (detail, offset) => corrupt(`${detail} at payload offset ${offset}`);
