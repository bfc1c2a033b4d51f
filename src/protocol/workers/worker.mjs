// Entry of a decode worker. A worker starts without the module hooks the main thread registered
// in-process (bin/rusts.mjs registers tsx that way), so it registers tsx itself before loading
// the TypeScript worker.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import('./worker.ts');
