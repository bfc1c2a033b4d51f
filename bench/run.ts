/**
 * `npm run bench`: lists the benches (bench/*.bench.ts, each with the first line of its header
 * comment) and how to run one; `npm run bench -- NAME [options...]` runs bench/NAME.bench.ts with
 * the options passed through and exits with its exit code.
 *
 *   npm run bench
 *   npm run bench -- promql --quick --only rusts
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { serverNodeOptions } from './lib/receivers.ts';

const BENCH_DIR = import.meta.dirname;
const SUFFIX = '.bench.ts';

function benchNames(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

/** The first line of text of the file's leading comment (`/** ... *\/` or `//` lines). */
function summary(name: string): string {
  for (const line of readFileSync(join(BENCH_DIR, name + SUFFIX), 'utf8').split('\n')) {
    const text = line.trim().replace(/^(\/\*\*?|\*\/?|\/\/)\s*/, '').trim();
    if (text !== '') return text;
  }
  return '';
}

function list(): void {
  const names = benchNames();
  const width = Math.max(...names.map((n) => n.length));
  console.log('Benches (bench/<name>.bench.ts); each prints figures and asserts nothing:\n');
  for (const name of names) console.log(`  ${name.padEnd(width)}  ${summary(name)}`);
  console.log('\nRun one: npm run bench -- <name> [options...]   (e.g. npm run bench -- promql --quick)');
  console.log("Its options are in its header comment: the part of the file above its imports.");
}

const [arg, ...rest] = process.argv.slice(2);
if (arg === undefined || arg === '--help' || arg === '-h') {
  list();
} else {
  // Also takes "promql.bench.ts" or "bench/promql.bench.ts".
  const name = arg.replace(/^(\.\/)?bench\//, '').replace(/\.bench\.ts$/, '');
  if (!benchNames().includes(name)) {
    console.error(`no bench "${arg}"\n`);
    list();
    process.exit(2);
  }
  // The heap sizes `npm start` gives the server, which the in-process benches measure.
  const child = spawn(process.execPath, [...serverNodeOptions(), '--import', 'tsx', join(BENCH_DIR, name + SUFFIX), ...rest], { stdio: 'inherit' });
  // ^C reaches the bench too (same process group), which stops its servers and exits; wait for it.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
}
