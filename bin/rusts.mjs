#!/usr/bin/env node
// Launcher for `rusts` from a global or npx install, and for the tests: it runs the TypeScript
// sources through tsx, so nothing has to be built first. `npm start` runs the bundle
// scripts/build.mjs makes instead, which needs less memory (see the README).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Point tsx at RusTs's own tsconfig: otherwise it would pick up whatever tsconfig.json sits in the
// user's working directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/server/main.ts');
