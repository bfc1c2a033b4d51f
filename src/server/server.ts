import { createServer, type Server } from 'node:http';
import { access, constants, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp, MetadataStore, METADATA_FILE, ServerState, UserStore, USERS_FILE } from '../api/index.ts';
import { LocalRouter } from '../cluster/index.ts';
import { RetentionEnforcer } from '../retention/index.ts';
import { warmUpQueryPath } from './warmup.ts';
import { ParsePool } from '../protocol/workers/index.ts';
import { RustsError, type Logger } from '../core/index.ts';
import { formatBind, type ServerConfig } from './config.ts';

// Requests in flight get this long to finish at shutdown before their connections are cut, so a
// stuck client cannot hold the engine open (and its MemTable unflushed) forever.
const SHUTDOWN_GRACE_MS = 10_000;

/** The server could not start: the data directory is unusable, the engine failed to open, or the port is taken. */
export class StartupError extends RustsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('startup', message, options);
  }
}

/** A server that is accepting connections. */
export interface RunningServer {
  /** Base URL of the HTTP API, with the port the OS chose when the config asked for port 0. */
  readonly url: string;
  readonly port: number;
  /**
   * Stop accepting connections, give requests in flight a grace period, then close the engine
   * (which flushes). Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Listen on `config.bind`, then open storage in `config.dataDir` (replaying WALs, which may take a
 * while; `/ready` answers 503 until it is done). Resolves once storage is open. On failure nothing
 * is left open.
 * @throws StartupError with a message fit for the operator
 */
export async function startServer(config: ServerConfig, deps: { logger: Logger; onListening?: (url: string) => void }): Promise<RunningServer> {
  const { logger } = deps;
  await prepareDataDir(config.dataDir);
  const users = await openUsers(config);
  const metadata = await openMetadata(config, logger);

  const state = new ServerState();
  const parsePool = new ParsePool(config.parseWorkers, logger);
  const app = createApp({
    state,
    logger,
    auth: config.auth,
    users,
    limits: config.limits,
    parsePool,
    autoCreateDatabases: config.autoCreateDatabases,
    prometheus: config.prometheus,
    metadata,
  });
  const server = createServer(app.callback());
  try {
    await listen(server, config);
  } catch (err) {
    await parsePool.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.bind.host === '' ? '127.0.0.1' : config.bind.host;
  const url = `http://${formatBind({ host, port })}`;
  deps.onListening?.(url);

  logger.info('opening storage', { dataDir: config.dataDir });
  let router: LocalRouter;
  try {
    router = await LocalRouter.open({ dataDir: config.dataDir, shards: config.shards, engine: config.storage }, { logger });
  } catch (err) {
    await stopHttp(server);
    await parsePool.close();
    throw new StartupError(`Cannot open storage in "${config.dataDir}": ${errorMessage(err)}`, { cause: err });
  }
  // Before ready, so that it shares the CPU with no real request: under a second more of /ready saying 503.
  if (config.warmUp) await warmUpQueryPath(logger).catch((err: unknown) => logger.warn('query warm-up failed', { error: errorMessage(err) }));
  state.ready(router);
  const retention = new RetentionEnforcer({ router, logger, checkIntervalMs: config.retention.checkIntervalMs });
  if (config.retention.enabled) retention.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= stopHttp(server)
        .then(() => retention.stop())
        .then(() => Promise.all([router.close(), parsePool.close(), metadata.close()]))
        .then(() => undefined);
      return closing;
    },
  };
}

// Like the users file, read before listening, so that /api/v1/metadata answers in full from the first request.
async function openMetadata(config: ServerConfig, logger: Logger): Promise<MetadataStore> {
  try {
    return await MetadataStore.open(config.dataDir, logger);
  } catch (err) {
    throw new StartupError(`Cannot load the Prometheus metric metadata in "${join(config.dataDir, METADATA_FILE)}": ${errorMessage(err)}`, { cause: err });
  }
}

// The users file is small: it is read before listening, so that the first request already sees it.
async function openUsers(config: ServerConfig): Promise<UserStore> {
  try {
    return await UserStore.open(config.auth, config.dataDir);
  } catch (err) {
    throw new StartupError(`Cannot load the users in "${join(config.dataDir, USERS_FILE)}": ${errorMessage(err)}`, { cause: err });
  }
}

async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new StartupError(`Cannot use data directory "${dir}": ${fsReason(err)}`, { cause: err });
  }
}

function listen(server: Server, config: ServerConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(new StartupError(`Cannot listen on ${formatBind(config.bind)}: ${listenReason(err)}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // An empty host leaves the choice to Node: every interface, IPv6 and IPv4 where available.
    if (config.bind.host === '') server.listen({ port: config.bind.port });
    else server.listen({ host: config.bind.host, port: config.bind.port });
  });
}

function stopHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    // close() also drops idle keep-alive connections (Node 19+); busy ones end after their response.
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

function fsReason(err: unknown): string {
  switch ((err as { code?: unknown }).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EEXIST':
      return 'it exists and is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return errorMessage(err);
  }
}

function listenReason(err: Error): string {
  switch ((err as { code?: unknown }).code) {
    case 'EADDRINUSE':
      return 'address already in use';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'address not available on this machine';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'cannot resolve host';
    default:
      return err.message;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
