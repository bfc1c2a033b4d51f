/**
 * Line protocol parse benchmark: the devops dataset (bench/lib/devops.ts) written as TSBS-style
 * line protocol (`cpu,hostname=host_0,region=...,service_environment=... usage_user=12.34,... <ns>`),
 * parsed in bodies of 5,000 lines, each into a fresh WriteBatch, as the /write handler does.
 * Three cases of the same number of samples:
 * - `2`: 100 hosts, 2-decimal values (plain decimals, read in the parser's line loop);
 * - `full`: 100 hosts, full-precision values (16-17 digits: the exact long-decimal path);
 * - `many`: 10x the hosts for a tenth of the time, 2 decimals: each series then has only 5 lines
 *   in a body, so the cost per series and batch (columns, series entries) shows.
 *
 *   node --import tsx bench/lineprotocol.bench.ts [--hours 2] [--hosts 100] [--runs 5] [--lines 5000] [--only 2|full|many]
 *
 * Prints figures; asserts nothing. Timings vary by 10-20% from run to run on a 2-core VM;
 * take several runs, and check that nothing else is running.
 */
import { WriteBatch } from '../src/core/index.ts';
import { parseLineProtocol } from '../src/protocol/lineprotocol/index.ts';
import { DEVOPS_FIELDS, DEVOPS_MEASUREMENT, DEVOPS_TAG_KEYS, devopsDataset, type DevopsDataset } from './lib/devops.ts';
import { best, fixed, median, numberArg, timeRuns } from './lib/stats.ts';

const HOURS = numberArg('hours', 2);
const RUNS = numberArg('runs', 5);
const LINES = numberArg('lines', 5000);
const HOSTS = numberArg('hosts', 100);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

/** The dataset as line-protocol bodies of LINES lines each, time-major like a collector's stream. */
function bodies(data: DevopsDataset): Buffer[] {
  const heads = data.hosts.map((tags) => {
    const byKey = new Map(tags.map((t) => [t.key, t.value]));
    // TSBS's tag order (hostname first), not sorted: the parser must not depend on the order.
    return DEVOPS_MEASUREMENT + DEVOPS_TAG_KEYS.map((k) => `,${k}=${byKey.get(k)}`).join('') + ' ';
  });
  const nf = DEVOPS_FIELDS.length;
  const out: Buffer[] = [];
  let lines: string[] = [];
  for (let t = 0; t < data.timestamps; t++) {
    for (let h = 0; h < data.hosts.length; h++) {
      let line = heads[h]!;
      for (let f = 0; f < nf; f++) {
        const column = data.series[h * nf + f]!.column;
        line += `${f === 0 ? '' : ','}${DEVOPS_FIELDS[f]}=${(column.values as Float64Array)[t]}`;
      }
      const ms = data.series[h * nf]!.column.ms[t]!;
      lines.push(`${line} ${ms}000000`);
      if (lines.length === LINES) {
        out.push(Buffer.from(lines.join('\n') + '\n'));
        lines = [];
      }
    }
  }
  if (lines.length > 0) out.push(Buffer.from(lines.join('\n') + '\n'));
  return out;
}

function run(label: string, hosts: number, hours: number, decimals: number | null): void {
  const data = devopsDataset({ hosts, spanMs: hours * 3_600_000, decimals });
  const chunks = bodies(data);
  const bytes = chunks.reduce((n, b) => n + b.length, 0);
  const options = { precision: 'ns', defaultTime: 0n } as const;
  let samples = 0;
  const ns = timeRuns(RUNS, 2, () => {
    samples = 0;
    for (const body of chunks) {
      const batch = new WriteBatch();
      const result = parseLineProtocol(body, options, batch);
      if (result.errors.length > 0) throw new Error(result.errors[0]!.message);
      samples += batch.sampleCount;
    }
  });
  const rates = ns.map((t) => (samples / t) * 1e3);
  const mbs = ns.map((t) => (bytes / t) * 1e3);
  console.log(
    `${label.padEnd(28)} ${samples.toLocaleString('en-US')} samples, ${fixed(bytes / 1e6, 1)} MB in ${chunks.length} bodies of ${LINES} lines: ` +
      `best ${fixed(best(rates))} / median ${fixed(median(rates))} M samples/s, ` +
      `best ${fixed(best(mbs), 0)} / median ${fixed(median(mbs), 0)} MB/s`,
  );
}

console.log(`node ${process.version}, ${RUNS} runs after 2 warm-ups`);
if (only === undefined || only === '2') run(`${HOSTS} hosts, 2 decimals`, HOSTS, HOURS, 2);
if (only === undefined || only === 'full') run(`${HOSTS} hosts, full precision`, HOSTS, HOURS, null);
if (only === undefined || only === 'many') run(`${HOSTS * 10} hosts, 2 decimals`, HOSTS * 10, HOURS / 10, 2);
