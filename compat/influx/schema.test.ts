// Differential suite for the statements that change things: retention policies, DROP SERIES,
// DELETE, DROP MEASUREMENT, and GET requests that carry them. One script of steps runs in order
// against a real influxd 1.6.7 and RusTs, each step's answer (status and JSON) compared; reads
// between the changes show their effect. Known differences are listed with their reason; the test
// fails on any other difference and on a listed one that went away.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { answerDiff, answerOf, short, type Answer } from './compare.ts';
import { startPair, type ServerPair } from './harness.ts';
import { INFLUXD } from './influxd.ts';

type Step =
  | { readonly q: string; readonly method?: 'GET' | 'POST'; readonly db?: string | null; readonly rp?: string; readonly epoch?: string }
  | { readonly write: string; readonly db?: string; readonly rp?: string; readonly precision?: string };

const DB = 'schema';
const NOW_S = Math.floor(Date.now() / 1000);
/** Line protocol with times `agoS` seconds before the suite started (second precision). */
const at = (line: string, agoS: number) => `${line} ${NOW_S - agoS}`;
const HOUR = 3600;

const STEPS: readonly Step[] = [
  { q: `CREATE DATABASE "${DB}"` },
  { q: `SHOW RETENTION POLICIES ON "${DB}"`, db: null },
  // Creation, its defaults and bounds.
  { q: `CREATE RETENTION POLICY "two_hours" ON "${DB}" DURATION 2h REPLICATION 1` },
  { q: `CREATE RETENTION POLICY "two_hours" ON "${DB}" DURATION 2h REPLICATION 1` },
  { q: `CREATE RETENTION POLICY "two_hours" ON "${DB}" DURATION 3h REPLICATION 1` },
  { q: `CREATE RETENTION POLICY "two_hours" ON "${DB}" DURATION 2h REPLICATION 1 DEFAULT` },
  { q: `CREATE RETENTION POLICY "short" ON "${DB}" DURATION 30m REPLICATION 1` },
  { q: `CREATE RETENTION POLICY "bad_shard" ON "${DB}" DURATION 2h REPLICATION 1 SHARD DURATION 3h` },
  { q: `CREATE RETENTION POLICY "quarter" ON "${DB}" DURATION 90d REPLICATION 3 SHARD DURATION 30m` },
  { q: `CREATE RETENTION POLICY "year" ON "${DB}" DURATION 52w REPLICATION 1` },
  { q: `CREATE RETENTION POLICY "forever" ON "${DB}" DURATION INF REPLICATION 1 SHARD DURATION 2d` },
  { q: `CREATE RETENTION POLICY "a_day" ON "${DB}" DURATION 1d REPLICATION 1 DEFAULT` },
  { q: 'CREATE RETENTION POLICY "r" ON "nosuchdb" DURATION 1d REPLICATION 1' },
  { q: 'SHOW RETENTION POLICIES', db: DB },
  // Changes.
  { q: `ALTER RETENTION POLICY "two_hours" ON "${DB}" DURATION 1h SHARD DURATION 2h` },
  { q: `ALTER RETENTION POLICY "two_hours" ON "${DB}" DURATION 4h SHARD DURATION 2h` },
  { q: `ALTER RETENTION POLICY "two_hours" ON "${DB}" REPLICATION 2` },
  { q: `ALTER RETENTION POLICY "zz" ON "${DB}" DURATION 4h` },
  { q: `ALTER RETENTION POLICY "two_hours" ON "nosuchdb" DURATION 4h` },
  { q: `ALTER RETENTION POLICY "two_hours" ON "${DB}" DURATION 10m` },
  { q: `ALTER RETENTION POLICY "autogen" ON "${DB}" DEFAULT` },
  { q: `SHOW RETENTION POLICIES ON "${DB}"`, db: null },
  // Writes into policies; points older than a policy keeps are dropped as a partial write.
  { write: [at('cpu,host=a,region=east usage=1', 5 * HOUR), at('cpu,host=b,region=west usage=2', 5 * HOUR), at('mem,host=a free=10i', 5 * HOUR)].join('\n') },
  { write: [at('cpu,host=a,region=east usage=3', 60), at('cpu,host=c,region=east usage=4,extra=1', 70)].join('\n'), rp: 'two_hours' },
  { write: [at('cpu,host=a,region=east usage=5', 6 * HOUR), at('cpu,host=a,region=east usage=6', 5 * HOUR), at('cpu,host=b,region=west usage=7', 120)].join('\n'), rp: 'two_hours' },
  { write: at('cpu,host=a usage=8', 60), rp: 'nosuch' },
  { q: 'SELECT * FROM "cpu"', epoch: 's' },
  { q: 'SELECT * FROM "two_hours"."cpu"', epoch: 's' },
  { q: `SELECT * FROM "${DB}"."two_hours"."cpu"`, db: null, epoch: 's' },
  { q: `SELECT * FROM "${DB}".."cpu"`, db: null, epoch: 's' },
  { q: 'SELECT * FROM "cpu"', rp: 'two_hours', epoch: 's' },
  { q: 'SELECT * FROM "nosuch"."cpu"', epoch: 's' },
  { q: 'SELECT count("usage") FROM "two_hours"."cpu" GROUP BY "host"' },
  { q: 'SHOW MEASUREMENTS' },
  { q: 'SHOW SERIES' },
  { q: 'SHOW TAG VALUES WITH KEY = "host"' },
  { q: 'SHOW FIELD KEYS' },
  { q: 'SHOW FIELD KEYS FROM "two_hours"."cpu"' },
  { q: 'SHOW FIELD KEYS', rp: 'two_hours' },
  // Deleting series and points.
  { q: 'DROP SERIES' },
  { q: 'DROP SERIES WHERE time > now() - 1h' },
  { q: 'DROP SERIES FROM "cpu" WHERE "host" = \'c\'' },
  { q: 'SHOW SERIES' },
  { q: 'SELECT * FROM "two_hours"."cpu"', epoch: 's' },
  { q: 'DELETE' },
  { q: 'DELETE FROM "nosuch"' },
  { q: 'DROP MEASUREMENT "nosuch"' },
  { q: 'DROP SERIES FROM "nosuch"' },
  { q: 'DELETE FROM "cpu"', db: null },
  { q: `DELETE FROM "cpu" WHERE "host" = 'b' AND time < now() - 1h` },
  { q: 'SELECT * FROM "cpu"', epoch: 's' },
  { q: 'SELECT * FROM "two_hours"."cpu"', epoch: 's' },
  { q: 'SHOW SERIES' },
  { q: `DELETE WHERE "host" =~ /^a$/` },
  { q: 'SELECT * FROM /.*/', epoch: 's' },
  { q: 'SHOW SERIES' },
  { q: 'DROP MEASUREMENT "mem"' },
  { q: 'SHOW MEASUREMENTS' },
  // Policies go with their data; a dropped default stays named.
  { q: `DROP RETENTION POLICY "zz" ON "${DB}"` },
  { q: `DROP RETENTION POLICY "two_hours" ON "${DB}"` },
  { q: 'SELECT * FROM "two_hours"."cpu"' },
  { q: 'SHOW MEASUREMENTS' },
  { q: `ALTER RETENTION POLICY "a_day" ON "${DB}" DEFAULT` },
  { q: `DROP RETENTION POLICY "a_day" ON "${DB}"` },
  { q: 'SELECT * FROM "cpu"' },
  { q: `SHOW RETENTION POLICIES ON "${DB}"`, db: null },
  // CREATE DATABASE ... WITH.
  { q: 'CREATE DATABASE "with_rp" WITH DURATION 3d REPLICATION 1 SHARD DURATION 1h NAME "three_days"' },
  { q: 'CREATE DATABASE "with_rp" WITH DURATION 3d REPLICATION 1 SHARD DURATION 1h NAME "three_days"' },
  { q: 'CREATE DATABASE "with_rp" WITH DURATION 4d NAME "three_days"' },
  { q: 'CREATE DATABASE "with_rp" WITH NAME "other"' },
  { q: 'CREATE DATABASE "with_rp"' },
  { q: 'CREATE DATABASE "too_short" WITH DURATION 10m' },
  { q: 'CREATE DATABASE "a_day_db" WITH DURATION 1d' },
  { q: 'SHOW RETENTION POLICIES ON "with_rp"', db: null },
  { q: 'SHOW RETENTION POLICIES ON "a_day_db"', db: null },
  { q: 'SHOW RETENTION POLICIES ON "too_short"', db: null },
  { q: 'SHOW CONTINUOUS QUERIES', db: null },
  // GET requests with statements that change things: done, with influxd's deprecation warning.
  { q: 'CREATE DATABASE "by_get"', method: 'GET', db: null },
  { q: 'CREATE RETENTION POLICY "rp2" ON "by_get" DURATION INF REPLICATION 2 SHARD DURATION 2h DEFAULT', method: 'GET', db: null },
  { q: 'ALTER RETENTION POLICY "rp2" ON "by_get" DURATION 2d SHARD DURATION 1h DEFAULT', method: 'GET', db: null },
  { q: 'CREATE DATABASE "my db" WITH DURATION 2d', method: 'GET', db: null },
  { q: 'DROP SERIES FROM "cpu"', method: 'GET' },
  { q: 'DROP MEASUREMENT "m-1"', method: 'GET' },
  { q: `DELETE FROM "cpu" WHERE time < '2020-01-01'`, method: 'GET' },
  { q: 'SHOW DATABASES; DROP RETENTION POLICY "rp2" ON "by_get"; DROP DATABASE "my db"', method: 'GET', db: null },
  { q: 'SHOW DATABASES', db: null },
  // SELECT ... INTO.
  { q: 'CREATE DATABASE "into_src"' },
  { q: 'CREATE DATABASE "into_dst"' },
  {
    write: ['cpu,host=a,r=1 v=1,n=2i,s="x" 100', 'cpu,host=a,r=1 v=2,n=3i 160', 'cpu,host=b,r=2 v=3,b=true 100', 'mem,host=a free=5 100', 'mem,host=b free=7 130'].join('\n'),
    db: 'into_src',
  },
  { q: 'SELECT * INTO "c2" FROM "cpu"', db: 'into_src' },
  { q: 'SELECT * FROM "c2"', db: 'into_src' },
  { q: 'SHOW TAG KEYS FROM "c2"', db: 'into_src' },
  { q: 'SHOW FIELD KEYS FROM "c2"', db: 'into_src' },
  { q: 'SELECT "v" INTO "c3" FROM "cpu" GROUP BY *', db: 'into_src' },
  { q: 'SELECT * FROM "c3"', db: 'into_src' },
  { q: 'SHOW TAG KEYS FROM "c3"', db: 'into_src' },
  { q: 'SELECT mean("v") INTO "into_dst"."autogen"."c4" FROM "cpu" WHERE time >= 0 AND time < 300s GROUP BY time(1m), "host"', db: 'into_src' },
  { q: 'SELECT * FROM "into_dst".."c4"', db: 'into_src' },
  { q: 'SELECT count("v") INTO "c5" FROM "cpu" WHERE time >= 0 AND time < 300s GROUP BY time(1m) fill(null)', db: 'into_src' },
  { q: 'SELECT * FROM "c5"', db: 'into_src' },
  { q: 'SHOW FIELD KEYS FROM "c5"', db: 'into_src' },
  { q: 'SELECT "v" * 2 AS "dbl", "host" INTO "c6" FROM "cpu"', db: 'into_src' },
  { q: 'SELECT * FROM "c6"', db: 'into_src' },
  { q: 'SELECT * INTO "into_dst"."autogen".:MEASUREMENT FROM /^(cpu|mem)$/ GROUP BY *', db: 'into_src' },
  { q: 'SHOW MEASUREMENTS ON "into_dst"', db: null },
  { q: 'SHOW FIELD KEYS ON "into_dst" FROM "mem"', db: null },
  { q: 'SELECT * FROM "into_dst"."autogen"."mem"', db: null },
  { q: 'SELECT * INTO "nodb"."autogen"."x" FROM "cpu"', db: 'into_src' },
  { q: 'SELECT * INTO "into_src"."nope"."x" FROM "cpu"', db: 'into_src' },
  { q: 'SELECT * INTO "c7" FROM "nosuch"', db: 'into_src' },
  {
    q: `SELECT mean("v") AS "m", percentile("v", 90.5) INTO "into_dst".:MEASUREMENT FROM "cpu", /c.*/, "into_dst"."autogen"."cpu", (SELECT * FROM "cpu") WHERE "v" > 1.5 AND ("host" = 'a' OR "host" =~ /b\\/c/) AND time < '2020-01-01T00:00:00Z' GROUP BY time(1m, 30s), "host", * fill(0) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1`,
    method: 'GET',
    db: 'into_src',
  },
  { q: `SELECT count("v") INTO "c9" FROM "cpu" WHERE "v" = 2 AND "n" != -3 GROUP BY time(1h) fill(none); SELECT "v"::float INTO "autogen"."c10" FROM "cpu" WHERE "s" = true`, method: 'GET', db: 'into_src' },
  // A field type conflict drops the whole point, and is counted in points.
  { q: 'CREATE DATABASE "conflicts"' },
  { write: 'cpu,host=a a=1,b=2 100', db: 'conflicts' },
  { write: ['cpu,host=a a=1i,b=3 110', 'cpu,host=a a=4,b=5 120', 'cpu,host=b b=6i 120', 'cpu,host=b c=7 130'].join('\n'), db: 'conflicts' },
  { q: 'SELECT * FROM "cpu"', db: 'conflicts', epoch: 's' },
];

function label(step: Step, index: number): string {
  if ('write' in step) return `#${index} write${step.rp === undefined ? '' : ` rp=${step.rp}`}: ${step.write.split('\n')[0]}`;
  const params = [step.method === 'GET' ? 'GET' : '', step.db === null ? 'no db' : '', step.rp === undefined ? '' : `rp=${step.rp}`].filter(Boolean);
  return `#${index} ${step.q}${params.length > 0 ? ` [${params.join(', ')}]` : ''}`;
}

// Step label -> why RusTs answers differently.
const KNOWN_MISMATCHES: Readonly<Record<string, string>> = {
  '#61 SHOW MEASUREMENTS':
    "influxd's index keeps the measurements of a dropped retention policy (cpu's only remaining series were in it); RusTs drops them with the policy's shards, so SHOW MEASUREMENTS has no cpu",
};

async function run(base: string, step: Step): Promise<Answer> {
  const signal = AbortSignal.timeout(10_000);
  if ('write' in step) {
    const params = new URLSearchParams({ db: step.db ?? DB, precision: step.precision ?? 's' });
    if (step.rp !== undefined) params.set('rp', step.rp);
    const answer = await answerOf(await fetch(`${base}/write?${params}`, { method: 'POST', body: step.write, signal }));
    // RusTs adds `written` and `rejected` to a partial write's body; InfluxDB clients read `error`.
    const { error } = answer.body as { error?: unknown };
    return { status: answer.status, body: error === undefined ? answer.body : { error } };
  }
  const params = new URLSearchParams({ q: step.q });
  const db = step.db === undefined ? DB : step.db;
  if (db !== null) params.set('db', db);
  if (step.rp !== undefined) params.set('rp', step.rp);
  if (step.epoch !== undefined) params.set('epoch', step.epoch);
  if (step.method === 'GET') return answerOf(await fetch(`${base}/query?${params}`, { signal }));
  return answerOf(await fetch(`${base}/query`, { method: 'POST', body: params, signal }));
}

const skip = existsSync(INFLUXD) ? false : `influxd not installed (${INFLUXD}): apt-get install influxdb`;

describe('retention policies and deletes against influxd 1.6.7', { skip }, () => {
  let servers: ServerPair | undefined;
  before(async () => {
    servers = await startPair('rusts-schema-');
  });
  after(() => servers?.stop());

  it('answers every step as influxd does, except the known mismatches', async () => {
    const labels = STEPS.map(label);
    for (const known of Object.keys(KNOWN_MISMATCHES)) assert.ok(labels.includes(known), `KNOWN_MISMATCHES lists a step the suite does not run: ${known}`);
    const mismatches = new Map<string, string>();
    for (const [index, step] of STEPS.entries()) {
      // In order, one server after the other: each step sees the state the previous ones left.
      const want = await run(servers!.influx, step);
      const got = await run(servers!.rusts, step);
      const d = answerDiff(want, got);
      if (d !== undefined) mismatches.set(labels[index]!, d);
      if (d !== undefined && process.env['INFLUXQL_COMPAT_VERBOSE']) console.log(`${labels[index]}\n  influxd ${want.status} ${JSON.stringify(want.body)}\n  rusts   ${got.status} ${JSON.stringify(got.body)}`);
    }
    console.log(`schema compat: ${STEPS.length - mismatches.size}/${STEPS.length} steps match`);
    for (const [step, d] of mismatches) console.log(`  mismatch${step in KNOWN_MISMATCHES ? ' (known)' : ''}: ${step}\n    ${d}`);
    const regressions = [...mismatches].filter(([step]) => !(step in KNOWN_MISMATCHES)).map(([step, d]) => `${step}\n    ${short(d)}`);
    const fixed = Object.keys(KNOWN_MISMATCHES).filter((step) => !mismatches.has(step));
    assert.deepEqual(regressions, [], 'steps RusTs answers differently from influxd (not in KNOWN_MISMATCHES)');
    assert.deepEqual(fixed, [], 'steps in KNOWN_MISMATCHES that now match: remove them from the list');
  });
});
