/**
 * InfluxQL features that change what the executor reads: ::type casts, per-row comparisons of
 * expressions and identifiers, several FROM sources, GROUP BY /re/, subqueries and tz(). Each
 * golden answer is influxd 1.6.7's for the same statement over helpers.ts's DATA (epoch=s).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalRouter } from '../../src/cluster/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { formatInZone, zoneOffsetMinutes, type LogicalQuery } from '../../src/query/index.ts';
import { compileSelect, parseInfluxQL, type SelectStatement } from '../../src/query/influxql/index.ts';
import { asInflux, near, openRouter, run, show } from './helpers.ts';

let router: LocalRouter;

/** The statement compiled as the influx adapter does (a name that is no field of the measurement is a tag). */
function compile(q: string): LogicalQuery {
  const [stmt] = parseInfluxQL(q);
  return compileSelect(stmt as SelectStatement, {
    database: 'db',
    now: 1_000_000n * 1_000_000_000n,
    isTag: (namespace, from, name) =>
      from.kind === 'name'
        ? !router.fieldsOf(namespace, from.name).has(name)
        : router.tagKeys('db', [{ name: MEASUREMENT_NAME, op: '=~', value: '.*' }]).includes(name),
  });
}

async function expect(q: string, want: string): Promise<void> {
  const got = asInflux(await run(router, compile(q)));
  const expected = JSON.parse(want) as unknown[];
  assert.ok(near(got, expected), `for ${q}\n got ${show(got)}\nwant ${JSON.stringify(expected)}`);
}

before(async () => {
  router = await openRouter();
});

describe('::type casts', () => {
  it('converts between numeric types and reads a mismatching type as no value', async () => {
    await expect(`SELECT i::float, v::integer, s::integer FROM cpu WHERE host = 'a'`, '[{"name":"cpu","columns":["time","i","v","s"],"values":[[0,10,1,null],[10,20,3,null],[20,30,2,null],[40,-5,7,null]]}]');
    await expect('SELECT s::integer FROM cpu', '[]');
  });
  it('reads the tag or the field of a name with ::tag and ::field', async () => {
    await expect(`SELECT host::tag, host::field, i::field FROM cpu WHERE host = 'b'`, '[{"name":"cpu","columns":["time","host","host_1","i"],"values":[[0,"b",null,1],[15,"b",null,2],[25,"b",null,2]]}]');
    await expect('SELECT *::field FROM mem', '[{"name":"mem","columns":["time","free"],"values":[[5,100],[35,200]]}]');
  });
  it('casts function arguments', async () => {
    await expect('SELECT sum(v::integer), max(i::float), mean(s::float) FROM cpu', '[{"name":"cpu","columns":["time","sum","max","mean"],"values":[[0,37,30,null]]}]');
  });
});

describe('WHERE comparisons evaluated per row', () => {
  it('compares arithmetic over fields', async () => {
    await expect('SELECT v FROM cpu WHERE v + i > 12', '[{"name":"cpu","columns":["time","v"],"values":[[10,3],[10,5],[20,2]]}]');
    await expect('SELECT v FROM cpu WHERE v * 2 = i / 5', '[{"name":"cpu","columns":["time","v"],"values":[[0,1]]}]');
  });
  it('compares two fields, two tags, or a field with a missing name', async () => {
    await expect('SELECT v FROM cpu WHERE v > i', '[{"name":"cpu","columns":["time","v"],"values":[[0,4],[15,4],[25,10],[40,7]]}]');
    await expect('SELECT v FROM cpu WHERE host = region', '[]');
    await expect('SELECT v FROM cpu WHERE host = "nosuch"', '[]');
  });
});

describe('several sources and GROUP BY /re/', () => {
  it('answers one series per measurement', async () => {
    await expect('SELECT last(v), last(free) FROM cpu, mem', '[{"name":"cpu","columns":["time","last","last_1"],"values":[[0,1,null]]},{"name":"mem","columns":["time","last","last_1"],"values":[[0,null,200]]}]');
  });
  it('groups by every tag key the pattern matches', async () => {
    await expect(
      'SELECT count(v) FROM cpu GROUP BY /o/',
      '[{"name":"cpu","tags":{"host":"a","region":"east"},"columns":["time","count"],"values":[[0,4]]},{"name":"cpu","tags":{"host":"b","region":"west"},"columns":["time","count"],"values":[[0,4]]},{"name":"cpu","tags":{"host":"c","region":""},"columns":["time","count"],"values":[[0,1]]}]',
    );
  });
});

describe('subqueries', () => {
  it('aggregates over the inner result series', async () => {
    await expect('SELECT sum(m) FROM (SELECT max(v) AS m FROM cpu GROUP BY host)', '[{"name":"cpu","columns":["time","sum"],"values":[[0,22]]}]');
  });
  it('lists the inner series one after the other in a raw outer query, inner tags as fields', async () => {
    await expect('SELECT m, host FROM (SELECT max(v) AS m FROM cpu GROUP BY host) WHERE m > 4', '[{"name":"cpu","columns":["time","m","host"],"values":[[40,7,"a"],[25,10,"b"],[10,5,"c"]]}]');
  });
  it('takes the outer GROUP BY tags into the inner query', async () => {
    await expect(
      'SELECT mean(v) FROM (SELECT v FROM cpu) GROUP BY host',
      '[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[[0,3.25]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],"values":[[0,4.75]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","mean"],"values":[[0,5]]}]',
    );
    await expect(
      'SELECT max(m) FROM (SELECT mean(v) AS m FROM cpu GROUP BY host) GROUP BY region',
      '[{"name":"cpu","tags":{"region":""},"columns":["time","max"],"values":[[0,5]]},{"name":"cpu","tags":{"region":"east"},"columns":["time","max"],"values":[[0,3.25]]},{"name":"cpu","tags":{"region":"west"},"columns":["time","max"],"values":[[0,4.75]]}]',
    );
  });
  it('groups by time on both levels', async () => {
    await expect(
      'SELECT sum(m) FROM (SELECT count(v) AS m FROM cpu WHERE time >= 0s AND time < 60s GROUP BY time(20s)) WHERE time >= 0s AND time < 60s GROUP BY time(20s)',
      '[{"name":"cpu","columns":["time","sum"],"values":[[0,5],[20,2],[40,2]]}]',
    );
  });
});

describe('tz()', () => {
  it('aligns GROUP BY time buckets to the zone', async () => {
    await expect(`SELECT count(v) FROM cpu WHERE time >= 0s AND time < 60s GROUP BY time(1h) tz('Asia/Kolkata')`, '[{"name":"cpu","columns":["time","count"],"values":[[-1800,9]]}]');
  });
  it('prints times in the zone as influxd does', () => {
    const t = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z
    assert.equal(formatInZone(t, 'Europe/Paris'), '2024-01-01T01:00:00+01:00');
    assert.equal(formatInZone(t + 500_000_000n, 'America/New_York'), '2023-12-31T19:00:00.5-05:00');
    assert.equal(formatInZone(t, 'UTC'), '2024-01-01T00:00:00Z');
    assert.equal(zoneOffsetMinutes('Europe/Paris', t + 182n * 86_400_000_000_000n), 120); // summer time
  });
});
