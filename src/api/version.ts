import { readFileSync } from 'node:fs';

/** The version of this RusTs build, as package.json states it: reported by `/health` and `rusts --version`. */
export const VERSION: string = readVersion();

function readVersion(): string {
  // Read at run time rather than imported as JSON: tsconfig does not enable resolveJsonModule, and
  // tsx runs the sources in place, so package.json is always two folders up.
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('BUG: package.json has no "version" string');
  return version;
}
