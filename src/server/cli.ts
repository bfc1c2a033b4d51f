import { RustsError } from '../core/index.ts';
import type { ConfigOverrides } from './config.ts';

/** What the command line asks for. */
export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly overrides: ConfigOverrides }
  /** Print a password hash (password read from stdin), or with `token` a new API token and its hash. */
  | { readonly kind: 'hash-password'; readonly token: boolean };

/** A command line that cannot be understood; the process answers it with the usage text and exit code 2. */
export class UsageError extends RustsError {
  constructor(message: string) {
    super('usage', message);
  }
}

export const USAGE = `Usage: rusts <command> [options]

Commands:
  serve               Run the server until SIGINT or SIGTERM
  hash-password       Read a password from stdin and print its hash for [[auth.users]] password_hash
  hash-password --token
                      Print a new random API token and its hash for [[auth.tokens]] token_hash

Options:
  -h, --help          Show this help and exit
  --version           Print the version and exit

Options for serve (each wins over its environment variable, which wins over the config file):
  --config FILE       Read settings from a TOML file (see docs/configuration.md)
  --bind HOST:PORT    Address to listen on (env RUSTS_BIND; default 127.0.0.1:8086)
  --data-dir DIR      Directory that holds the data (env RUSTS_DATA_DIR; default ./data)
`;

const SERVE_FLAGS: Readonly<Record<string, keyof ConfigOverrides>> = {
  '--config': 'configFile',
  '--bind': 'bind',
  '--data-dir': 'dataDir',
};

/**
 * Read the arguments after the program name (`process.argv.slice(2)`).
 * @throws UsageError naming the argument that is wrong
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command');
  if (first === '-h' || first === '--help') return { kind: 'help' };
  if (first === '--version') return { kind: 'version' };
  if (first === 'serve') return parseServe(rest);
  if (first === 'hash-password') return parseHashPassword(rest);
  if (first.startsWith('-')) throw new UsageError(`unknown flag "${first}"`);
  throw new UsageError(`unknown command "${first}"`);
}

function parseServe(args: readonly string[]): Command {
  const overrides: { -readonly [K in keyof ConfigOverrides]: ConfigOverrides[K] } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = SERVE_FLAGS[flag];
    if (key === undefined) {
      throw new UsageError(arg.startsWith('-') ? `unknown flag "${flag}" for "rusts serve"` : `unexpected argument "${arg}" for "rusts serve"`);
    }
    let value: string | undefined;
    if (flag !== arg) {
      value = arg.slice(eq + 1);
    } else {
      value = args[i + 1];
      // "--bind --data-dir x" is a forgotten value, not a bind address called "--data-dir".
      if (value === undefined || value.startsWith('--')) throw new UsageError(`flag ${flag} needs a value`);
      i++;
    }
    if (overrides[key] !== undefined) throw new UsageError(`flag ${flag} given more than once`);
    overrides[key] = value;
  }
  return { kind: 'serve', overrides };
}

function parseHashPassword(args: readonly string[]): Command {
  let token = false;
  for (const arg of args) {
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg !== '--token') {
      throw new UsageError(arg.startsWith('-') ? `unknown flag "${arg}" for "rusts hash-password"` : `unexpected argument "${arg}" for "rusts hash-password" (the password is read from stdin, so that it stays out of the shell history)`);
    }
    if (token) throw new UsageError('flag --token given more than once');
    token = true;
  }
  return { kind: 'hash-password', token };
}
