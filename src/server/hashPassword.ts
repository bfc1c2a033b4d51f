import type { Readable, Writable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { hashPassword, newToken } from '../api/auth/index.ts';
import { UsageError } from './cli.ts';

/** The streams `rusts hash-password` talks to; the process's own in `main.ts`. */
export interface HashPasswordIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * Run `rusts hash-password`: print the `scrypt:...` hash of a password read from stdin (prompted for
 * twice, without echo, on a terminal; else the first line of the input), or with `token` a new
 * random token and its `sha256:...` hash. Nothing secret is taken from the command line, where
 * shell history and `ps` would keep it.
 * @throws UsageError when no usable password was given (empty, or the two entries differ)
 */
export async function runHashPassword(token: boolean, io: HashPasswordIo): Promise<void> {
  if (token) {
    const created = newToken();
    io.stdout.write(`token: ${created.token}\ntoken_hash: ${created.tokenHash}\n`);
    io.stderr.write('Give the token to the client and put token_hash into [[auth.tokens]]; RusTs keeps no copy of the token.\n');
    return;
  }
  const password = isTerminal(io.stdin) ? await promptTwice(io.stdin, io.stderr) : await firstLine(io.stdin);
  if (password === '') throw new UsageError('the password is empty');
  io.stdout.write(`${await hashPassword(password)}\n`);
}

function isTerminal(stream: Readable): stream is ReadStream {
  return (stream as Partial<ReadStream>).isTTY === true;
}

async function firstLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  // `echo secret | rusts hash-password` ends the password with a newline that is not part of it.
  const line = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(line)) throw new UsageError('the password must be one line');
  return line;
}

async function promptTwice(stdin: ReadStream, prompt: Writable): Promise<string> {
  const first = await readHidden(stdin, prompt, 'Password: ');
  const second = await readHidden(stdin, prompt, 'Repeat it: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

/** Read one line from the terminal without echoing it. Ctrl-C exits with 130, as a shell would. */
function readHidden(stdin: ReadStream, prompt: Writable, label: string): Promise<string> {
  prompt.write(label);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      prompt.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          done();
          resolve(text);
          return;
        }
        if (char === '\u0003') {
          done();
          process.exit(130);
        }
        if (char === '\u007f' || char === '\b') text = [...text].slice(0, -1).join('');
        else text += char;
      }
    };
    stdin.on('data', onData);
  });
}
