// The `rusts` process: `npm start`, `bin/rusts.mjs` and `node --import tsx src/server/main.ts` all land here.
import { VERSION } from '../api/index.ts';
import { consoleLogger, type Logger } from '../core/index.ts';
import { parseCommandLine, USAGE, UsageError, type Command } from './cli.ts';
import { ConfigError, formatBind, loadConfig, type ConfigOverrides, type ServerConfig } from './config.ts';
import { startServer, StartupError, type RunningServer } from './server.ts';
import { runHashPassword } from './hashPassword.ts';

// Exit codes: 0 after a clean shutdown, 1 when the server cannot run (or a bug), 2 for a usage or config mistake.
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(argv.length === 0 ? `rusts: ${err.message}\n\n${USAGE}` : `rusts: ${err.message}\nRun "rusts --help" for usage.\n`);
    return EXIT_USAGE;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`rusts ${VERSION}\n`);
      return 0;
    case 'serve':
      return serve(command.overrides, consoleLogger);
    case 'hash-password':
      return hashPasswordCommand(command.token);
  }
}

async function hashPasswordCommand(token: boolean): Promise<number> {
  try {
    await runHashPassword(token, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`rusts: ${err.message}\n`);
    return EXIT_USAGE;
  }
}

async function serve(overrides: ConfigOverrides, logger: Logger): Promise<number> {
  let config: ServerConfig;
  try {
    config = loadConfig(overrides);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`rusts: ${err.message}\n`);
    return EXIT_USAGE;
  }

  // Listen for signals before opening the engine: a WAL replay can be long, and a signal during it
  // should still end in a clean close rather than the default abrupt exit.
  const stopRequested = firstSignal(logger);
  let server: RunningServer;
  try {
    server = await startServer(config, {
      logger,
      onListening: (url) =>
        logger.info('listening', { url, bind: formatBind(config.bind), dataDir: config.dataDir, configFile: config.configFile, version: VERSION, pid: process.pid }),
    });
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    logger.error(err.message);
    return EXIT_FAILURE;
  }
  logger.info('ready', { url: server.url });

  await stopRequested;
  await server.close();
  logger.info('stopped');
  return 0;
}

function firstSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        logger.warn('second signal: exiting without a clean shutdown', { signal });
        process.exit(EXIT_FAILURE);
      }
      received = true;
      logger.info('shutting down', { signal });
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Anything that reaches here is a bug, not a user mistake: the stack is what is needed to fix it.
    process.stderr.write(`rusts: BUG: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
