import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Stored password hashes are `scrypt:N:r:p:SALT:KEY`, salt and key in unpadded base64url. The cost
// parameters are part of each hash, so raising the defaults later leaves existing hashes valid.
//
// N=2^14, r=8, p=1 is the cost RFC 7914 and the scrypt paper give for interactive logins: 16 MiB of
// memory and about 50 ms of CPU per check. Passwords are checked on the libuv thread pool (the async
// crypto.scrypt), never on the event loop.
const SCRYPT_N = 2 ** 14;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// A hash in the config file decides how much memory each check takes: refuse ones that would take
// more than this, whatever their origin.
const MAX_SCRYPT_MEMORY = 256 * 2 ** 20;

// Tokens are 32 random bytes (256 bits): nobody can guess one, so a fast hash stores them safely.
const TOKEN_BYTES = 32;

/** A parsed `scrypt:...` password hash. */
export interface PasswordHash {
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/**
 * Hash `password` with scrypt, a fresh random salt and the default cost, in the form that
 * `[[auth.users]] password_hash` takes (`rusts hash-password` prints it).
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(password, { n: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, salt, key: Buffer.alloc(KEY_BYTES) });
  return `scrypt:${SCRYPT_N}:${SCRYPT_R}:${SCRYPT_P}:${salt.toString('base64url')}:${key.toString('base64url')}`;
}

/**
 * Parse a `scrypt:N:r:p:SALT:KEY` password hash.
 * @throws RangeError saying which part is wrong (the text itself is not repeated: it is a secret of sorts)
 */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split(':');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new RangeError('expected "scrypt:N:r:p:SALT:KEY" as printed by "rusts hash-password"');
  }
  const [, nText = '', rText = '', pText = '', saltText = '', keyText = ''] = parts;
  const n = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  if (!/^\d+$/.test(nText) || n < 2 || n > 2 ** 24 || (n & (n - 1)) !== 0) throw new RangeError(`scrypt N must be a power of 2, got "${nText}"`);
  if (!/^\d+$/.test(rText) || r < 1 || r > 64) throw new RangeError(`scrypt r must be an integer from 1 to 64, got "${rText}"`);
  if (!/^\d+$/.test(pText) || p < 1 || p > 16) throw new RangeError(`scrypt p must be an integer from 1 to 16, got "${pText}"`);
  if (scryptMemory(n, r, p) > MAX_SCRYPT_MEMORY) throw new RangeError(`scrypt N=${n}, r=${r} needs more than ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB per check`);
  const salt = base64urlBytes(saltText, 'salt');
  const key = base64urlBytes(keyText, 'key');
  if (salt.length < 8) throw new RangeError(`the salt must be at least 8 bytes, got ${salt.length}`);
  if (key.length < 16 || key.length > 64) throw new RangeError(`the key must be 16 to 64 bytes, got ${key.length}`);
  return { n, r, p, salt, key };
}

/** Whether `password` hashes to `hash`, compared in constant time. */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  return timingSafeEqual(await scryptKey(password, hash), hash.key);
}

/**
 * A hash of the default cost that no password matches: checked when the user does not exist, so
 * that an unknown user takes as long to refuse as a wrong password.
 */
export function unmatchableHash(): PasswordHash {
  return { n: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) };
}

/** Create a random API token and the hash that `[[auth.tokens]] token_hash` takes. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** The `sha256:HEX` hash of a token, in the form that `[[auth.tokens]] token_hash` takes. */
export function hashToken(token: string): string {
  return `sha256:${sha256(token).toString('hex')}`;
}

/**
 * Parse a `sha256:HEX` token hash into its 32 digest bytes.
 * @throws RangeError saying what is wrong
 */
export function parseTokenHash(text: string): Buffer {
  const match = /^sha256:([0-9a-f]{64})$/.exec(text);
  if (match === null) throw new RangeError('expected "sha256:" and 64 lowercase hex digits, as printed by "rusts hash-password --token"');
  return Buffer.from(match[1]!, 'hex');
}

/** The SHA-256 digest of a token as presented by a client. */
export function tokenDigest(token: string): Buffer {
  return sha256(token);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function scryptKey(password: string, hash: PasswordHash): Promise<Buffer> {
  const options: ScryptOptions = { N: hash.n, r: hash.r, p: hash.p, maxmem: scryptMemory(hash.n, hash.r, hash.p) + 2 ** 20 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), hash.salt, hash.key.length, options, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

// What node's scrypt allocates: the N*r blocks of 128 bytes, plus p*r of them.
function scryptMemory(n: number, r: number, p: number): number {
  return 128 * r * (n + p);
}

function base64urlBytes(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new RangeError(`the ${what} is not unpadded base64url`);
  return Buffer.from(text, 'base64url');
}
