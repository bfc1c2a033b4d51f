// Bundles the server, and its decode worker, into one JavaScript module each for `npm start`:
//   node scripts/build.mjs [OUTDIR]        (default dist/, relative to the repository)
// Tests and bin/rusts.mjs run the TypeScript sources through tsx instead. A bundle loads without
// tsx's module hooks, which take a thread and a V8 heap of their own in every thread that
// registers them (the main thread and each decode worker): the server idles at 166 MiB RSS
// instead of 229. Dependencies stay external (native bindings among them); only RusTs's own
// modules are bundled, unminified, so that stack traces keep their function names.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(REPO, process.argv[2] ?? 'dist');

// Each entry lands as OUTDIR/<name>.mjs; the main bundle finds the worker's beside it (see
// WORKER_ENTRY in src/protocol/workers/pool.ts).
const ENTRIES = { main: 'src/server/main.ts', worker: 'src/protocol/workers/worker.ts' };

await build({
  absWorkingDir: REPO,
  entryPoints: ENTRIES,
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
