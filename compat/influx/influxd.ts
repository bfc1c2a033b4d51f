// How the compat suites and benches run a real influxd: everything under one directory, loopback
// only, no self-monitoring database, no usage reporting, no per-request logging.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INFLUXD = '/usr/bin/influxd';

/** Writes an influxd config for `dir` and returns its path; run it with `influxd run -config <path>`. */
export function writeInfluxdConfig(dir: string, httpPort: number, rpcPort: number): string {
  const config = [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[continuous_queries]',
    '  enabled = false',
    '[logging]',
    '  level = "error"',
    '',
  ].join('\n');
  const file = join(dir, 'influxdb.conf');
  writeFileSync(file, config);
  return file;
}
