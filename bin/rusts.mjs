#!/usr/bin/env node
// Launcher for `rusts` from a global or npx install: RusTs ships its TypeScript sources and runs them
// through tsx, so there is no build step and no dist/ to keep in sync.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Point tsx at RusTs's own tsconfig: otherwise it would pick up whatever tsconfig.json sits in the
// user's working directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/server/main.ts');
