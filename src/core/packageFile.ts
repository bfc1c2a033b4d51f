/**
 * Files that ship with RusTs (`proto/`, `openapi.yaml`, `package.json`), found from the package's
 * root rather than from the module asking: the same module runs from `src/` through tsx (tests,
 * `bin/rusts.mjs`) and from the bundle in `dist/` that `npm start` builds, at another depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'rusts';
let root: string | undefined;

/** The absolute path of `relative` (`/`-separated) in the RusTs package. */
export function packageFile(relative: string): string {
  root ??= packageRoot(dirname(fileURLToPath(import.meta.url)));
  return join(root, relative);
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (nameOf(join(dir, 'package.json')) === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of "${PACKAGE_NAME}" in ${from} or above it`);
  }
}

function nameOf(manifest: string): unknown {
  if (!existsSync(manifest)) return undefined;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined; // not a manifest of ours
  }
}
