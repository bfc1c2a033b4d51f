/** The one logging surface of RusTs: every module takes a Logger, so tests can capture or silence it. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line on stderr: easy to read by people and by log shippers alike. */
export const consoleLogger: Logger = {
  info: (message, fields) => writeLine('info', message, fields),
  warn: (message, fields) => writeLine('warn', message, fields),
  error: (message, fields) => writeLine('error', message, fields),
};

function writeLine(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }) + '\n');
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
