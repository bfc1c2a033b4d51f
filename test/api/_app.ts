// The app the API tests drive: createApp over a LocalRouter on an in-memory file system, ready.
import { createApp, ServerState, type AppDeps } from '../../src/api/index.ts';
import { LocalRouter } from '../../src/cluster/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { MemFs } from '../../src/storage/index.ts';

export type Handler = ReturnType<ReturnType<typeof createApp>['callback']>;

export interface TestApp {
  readonly handler: Handler;
  readonly state: ServerState;
  readonly router: LocalRouter;
}

/**
 * `deps` are createApp's options beside the state and logger; `shards` is each database's shard
 * count (1); `fs` holds the data, for a test that reopens it.
 */
export async function openApp(deps: Omit<AppDeps, 'state' | 'logger'> = {}, shards = 1, fs = new MemFs()): Promise<TestApp> {
  const router = await LocalRouter.open({ dataDir: '/data', shards }, { logger: silentLogger, fs });
  const state = new ServerState();
  state.ready(router);
  return { handler: createApp({ state, logger: silentLogger, ...deps }).callback(), state, router };
}
