import { readFileSync } from 'node:fs';
import { packageFile } from '../core/index.ts';

/** The version of this RusTs build, as package.json states it: reported by `/health` and `rusts --version`. */
export const VERSION: string = readVersion();

function readVersion(): string {
  // Read at run time rather than imported as JSON: tsconfig does not enable resolveJsonModule.
  const manifest: unknown = JSON.parse(readFileSync(packageFile('package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('BUG: package.json has no "version" string');
  return version;
}
