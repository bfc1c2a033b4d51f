// Runs the real `rusts` binary as a child process, the way an operator or npm's bin link would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/rusts.mjs', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RustsProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
}

/** Start `node <bin> ...args` with the RUSTS_* variables of this process removed and `env` added. */
export function spawnRusts(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; bin?: string } = {}): RustsProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.['RUSTS_BIND'] === undefined) delete env['RUSTS_BIND'];
  if (options.env?.['RUSTS_DATA_DIR'] === undefined) delete env['RUSTS_DATA_DIR'];
  // The test runner marks its own children with this; the server is not one of them.
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Wait for the process to exit, killing it (only it) if it takes longer than `ms`. */
export async function exitOf(rusts: RustsProcess, ms = 15_000): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      rusts.child.kill('SIGKILL');
      reject(new Error(`rusts did not exit within ${ms}ms; stderr:\n${rusts.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([rusts.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `url` until it answers 200, the process exits, or `ms` pass. */
export async function waitForOk(url: string, rusts: RustsProcess, ms = 20_000): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (rusts.child.exitCode !== null || rusts.child.signalCode !== null) {
      throw new Error(`rusts exited before answering ${url}; stderr:\n${rusts.stderr()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return res;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no 200 from ${url} within ${ms}ms; stderr:\n${rusts.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ask the OS for a port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = await listenOn(0);
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Hold a port on 127.0.0.1 (port 0: any free one) until the returned server is closed. */
export function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** The JSON log lines the process wrote to stderr. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
