/**
 * Backslash escapes. Which bytes a backslash escapes depends on the element
 * (research/protocols.md §1.2); any other backslash is kept as it is.
 */
import { BACKSLASH } from './scan.ts';

export const MEASUREMENT_ESCAPES = escapeSet(',', ' ');
export const TAG_ESCAPES = escapeSet(',', '=', ' ');
export const FIELD_KEY_ESCAPES = escapeSet(',', '"', ' ', '=');
export const STRING_ESCAPES = escapeSet('"', '\\');

function escapeSet(...chars: string[]): Uint8Array {
  const set = new Uint8Array(256);
  for (const ch of chars) set[ch.charCodeAt(0)] = 1;
  return set;
}

/** The UTF-8 text of bytes [start, end) with the escapes of `escapes` removed. */
export function unescape(buf: Buffer, start: number, end: number, escapes: Uint8Array): string {
  // A loop, not buf.indexOf: that would search the rest of the body when there is no backslash.
  let first = start;
  while (first < end && buf[first] !== BACKSLASH) first++;
  if (first === end) return buf.toString('utf8', start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === BACKSLASH && i + 1 < end && escapes[buf[i + 1]!] === 1) {
      out[n++] = buf[++i]!;
    } else {
      out[n++] = c;
    }
  }
  return out.toString('utf8', 0, n);
}
