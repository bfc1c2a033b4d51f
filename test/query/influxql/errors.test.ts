/**
 * Statements that do not parse: the whole message, position included, as influxd 1.6.7 answered
 * the same text (every case here was run against it, over HTTP /query, whose handler trims the
 * query first).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InfluxQLParseError, parseInfluxQL, type Params } from '../../../src/query/influxql/index.ts';

describe('parseInfluxQL errors', () => {
  const f = (q: string, want: string, params?: Params) => {
    assert.throws(
      () => parseInfluxQL(q, params),
      (err: unknown) => {
        assert.ok(err instanceof InfluxQLParseError, `for ${q} got ${String(err)}`);
        assert.equal(err.code, 'influxql_parse');
        assert.equal(err.message, want, `for ${q}`);
        return true;
      },
    );
  };
  const E = 'error parsing query: ';
  it('reports the unexpected token and what was expected', () => {
    f('SELECT mean(x)', `${E}found EOF, expected FROM at line 1, char 15`);
    f('SELECT value', `${E}found EOF, expected FROM at line 1, char 14`);
    f('SELECT "value"', `${E}found EOF, expected FROM at line 1, char 15`);
    f('SELECT 1', `${E}found EOF, expected FROM at line 1, char 9`);
    f("SELECT 's'", `${E}found EOF, expected FROM at line 1, char 11`);
    f('SELECT *', `${E}found EOF, expected FROM at line 1, char 9`);
    f('SELECT a::field', `${E}found EOF, expected FROM at line 1, char 17`);
    f('SELECT', `${E}found EOF, expected identifier, string, number, bool at line 1, char 8`);
    f('SELECT mean(value) FROM', `${E}found EOF, expected identifier at line 1, char 25`);
    f('SELECT * FROM', `${E}found EOF, expected identifier at line 1, char 15`);
    f('SELECT value FROM cpu WHERE', `${E}found EOF, expected identifier, string, number, bool at line 1, char 29`);
    f('SELECT value cpu', `${E}found cpu, expected FROM at line 1, char 14`);
    f('SELECT value FROM cpu x', `${E}found x, expected ; at line 1, char 23`);
    f('SELECT\nvalue FROM cpu x', `${E}found x, expected ; at line 2, char 16`);
    f('SELECT value\nFROM', `${E}found EOF, expected identifier at line 2, char 6`);
    f('SELECT value FROM cpu\nWHERE', `${E}found EOF, expected identifier, string, number, bool at line 2, char 7`);
    f('SELECT value FROM cpu WHERE x =', `${E}found EOF, expected identifier, string, number, bool at line 1, char 32`);
    f('SELECT value FROM cpu WHERE x = 1 AND', `${E}found EOF, expected identifier, string, number, bool at line 1, char 39`);
    f('select a from b where x = 1 and and', `${E}found AND, expected identifier, string, number, bool at line 1, char 33`);
    f('SELECT a FROM b WHERE x = 1 AND )', `${E}found ), expected identifier, string, number, bool at line 1, char 33`);
    f('SELECT a FROM b WHERE x = 1 AND <>', `${E}found !=, expected identifier, string, number, bool at line 1, char 33`);
    f('SELECT a FROM b WHERE x = 1 AND /r/', `${E}found /, expected identifier, string, number, bool at line 1, char 33`);
    f('SELECT a FROM b WHERE x = 1 AND (', `${E}found EOF, expected identifier, string, number, bool at line 1, char 34`);
    f('SELECT a FROM b WHERE x = 1 AND -', `${E}found EOF, expected identifier, number, duration, ( at line 1, char 34`);
    f('SELECT a FROM b WHERE x = (1', `${E}found EOF, expected ) at line 1, char 29`);
    f('SELECT a FROM b WHERE x = 1 AND (x', `${E}found EOF, expected ) at line 1, char 36`);
    f('SELECT a FROM b WHERE x = now(', `${E}found EOF, expected identifier, string, number, bool at line 1, char 32`);
    f('SELECT f(', `${E}found EOF, expected identifier, string, number, bool at line 1, char 11`);
    f('SELECT f(1', `${E}found EOF, expected ) at line 1, char 11`);
    f('SELECT f(a', `${E}found EOF, expected ) at line 1, char 12`);
    f('SELECT a FROM b WHERE x =~', `${E}found EOF, expected regex at line 1, char 28`);
    f('SELECT a::', `${E}found EOF, expected float, integer, unsigned, string, boolean, field, tag at line 1, char 11`);
    f('SELECT a FROM b.', `${E}found EOF, expected identifier at line 1, char 18`);
    f('SELECT a FROM b GROUP BY', `${E}found EOF, expected identifier, string, number, bool at line 1, char 26`);
    f('SELECT a FROM b ORDER BY', `${E}found EOF, expected identifier, ASC, DESC at line 1, char 26`);
    f('SELECT value FROM cpu LIMIT', `${E}found EOF, expected integer at line 1, char 29`);
    f('select a from b limit 10s', `${E}found 10s, expected integer at line 1, char 23`);
    f('select a from b limit -1', `${E}found -, expected integer at line 1, char 23`);
    f('select a from b limit 1.5', `${E}found 1.5, expected integer at line 1, char 23`);
  });
  it('reports statements that do not start or continue as they should', () => {
    f('FOO', `${E}found FOO, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1`);
    f('SELECT value FROM cpu;x', `${E}found x, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 23`);
    f('SHOW', `${E}found EOF, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, USERS at line 1, char 6`);
    f('SHOW FOO', `${E}found FOO, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, USERS at line 1, char 6`);
    f('CREATE', `${E}found EOF, expected CONTINUOUS, DATABASE, USER, RETENTION, SUBSCRIPTION at line 1, char 8`);
    f('DROP', `${E}found EOF, expected CONTINUOUS, DATABASE, MEASUREMENT, RETENTION, SERIES, SHARD, SUBSCRIPTION, USER at line 1, char 6`);
    f('CREATE DATABASE', `${E}found EOF, expected identifier at line 1, char 17`);
    f('CREATE DATABASE "a" WITH', `${E}found EOF, expected DURATION, NAME, REPLICATION, SHARD at line 1, char 26`);
    f('SHOW TAG', `${E}found EOF, expected KEY, KEYS, VALUES at line 1, char 10`);
    f('SHOW FIELD', `${E}found EOF, expected KEY, KEYS at line 1, char 12`);
    f('SHOW MEASUREMENT', `${E}found EOF, expected EXACT, CARDINALITY at line 1, char 18`);
    f('SHOW RETENTION', `${E}found EOF, expected POLICIES at line 1, char 16`);
    f('SHOW TAG VALUES FROM cpu', `${E}found EOF, expected WITH at line 1, char 26`);
    f('SHOW TAG VALUES WITH KEY', `${E}found EOF, expected IN, =, =~ at line 1, char 26`);
    f("SHOW TAG VALUES WITH KEY = 'a' WHERE", `${E}found a, expected identifier at line 1, char 27`);
    f('SHOW TAG VALUES WITH KEY IN (', `${E}found EOF, expected identifier at line 1, char 30`);
    f('SHOW TAG VALUES CARDINALITY', `${E}found EOF, expected WITH at line 1, char 29`);
    f('SHOW MEASUREMENTS WITH MEASUREMENT != a', `${E}found !=, expected =, =~ at line 1, char 36`);
    f('SHOW GRANTS', `${E}found EOF, expected FOR at line 1, char 13`);
    f('SHOW STATS FOR', `${E}found EOF, expected string at line 1, char 16`);
    f('GRANT', `${E}found EOF, expected READ, WRITE, ALL [PRIVILEGES] at line 1, char 7`);
    f('GRANT READ', `${E}found EOF, expected ON at line 1, char 12`);
    f('GRANT ALL', `${E}found EOF, expected ON, TO at line 1, char 11`);
    f('REVOKE ALL', `${E}found EOF, expected ON, FROM at line 1, char 12`);
    f('SET', `${E}found EOF, expected PASSWORD at line 1, char 5`);
    f('SET PASSWORD FOR u', `${E}found EOF, expected = at line 1, char 20`);
    f('CREATE USER u', `${E}found EOF, expected WITH at line 1, char 15`);
    f('CREATE USER u WITH', `${E}found EOF, expected PASSWORD at line 1, char 20`);
    f("CREATE USER u WITH PASSWORD 'p' WITH", `${E}found EOF, expected ALL at line 1, char 38`);
    f('CREATE RETENTION POLICY r ON d', `${E}found EOF, expected DURATION at line 1, char 32`);
    f('CREATE RETENTION POLICY r ON d DURATION 1h', `${E}found EOF, expected REPLICATION at line 1, char 43`);
    f('ALTER RETENTION POLICY r ON d', `${E}found EOF, expected DURATION, REPLICATION, SHARD, DEFAULT at line 1, char 31`);
    f('ALTER', `${E}found EOF, expected RETENTION at line 1, char 7`);
    f('KILL', `${E}found EOF, expected QUERY at line 1, char 6`);
    f('KILL QUERY', `${E}found EOF, expected integer at line 1, char 12`);
    f('EXPLAIN', `${E}found EOF, expected SELECT at line 1, char 9`);
    f('EXPLAIN SHOW DATABASES', `${E}found SHOW, expected SELECT at line 1, char 9`);
    f('DROP SERIES', `${E}found EOF, expected FROM, WHERE at line 1, char 13`);
    f('DELETE', `${E}found EOF, expected FROM, WHERE at line 1, char 8`);
    f('DROP RETENTION POLICY r', `${E}found EOF, expected ON at line 1, char 25`);
    f('DROP CONTINUOUS QUERY q', `${E}found EOF, expected ON at line 1, char 25`);
    f('CREATE DATABASE d WITH DURATION INF REPLICATION 1 SHARD DURATION 1h NAME x y', `${E}found y, expected ; at line 1, char 76`);
  });
  it('reports bad literals', () => {
    f('SELECT "a\\xb" FROM cpu', `${E}found \\x, expected identifier, string, number, bool at line 1, char 11`);
    f("SELECT value FROM cpu WHERE host = 'a\\xb'", `${E}found \\x, expected identifier, string, number, bool at line 1, char 39`);
    f("SELECT value FROM cpu WHERE host = 'a", `${E}found a, expected identifier, string, number, bool at line 1, char 35`);
    f('SELECT value FROM cpu WHERE host = "a', `${E}found a, expected identifier, string, number, bool at line 1, char 35`);
    f('SELECT value FROM cpu WHERE host =~ /a', `${E}bad regex:  at line 1, char 36`);
    f('select a from b where time > 10x', `${E}invalid duration`);
    f('select a from b group by time(1x)', `${E}invalid duration`);
  });
  it('reports bad clauses without a position, as influxd does', () => {
    f('select a from b fill(foo)', `${E}expected number argument in fill()`);
    f('select a from b fill(1, 2)', `${E}fill requires an argument, e.g.: 0, null, none, previous, linear`);
    f("select a from b tz('x')", `${E}unable to find time zone x`);
    f('select a from b tz(x)', `${E}expected string argument in tz()`);
    f('select a from b order by time, x', `${E}only ORDER BY time supported at this time`);
    f('select a from b order by x', `${E}only ORDER BY time supported at this time`);
  });
  it('reports missing and unbindable parameters', () => {
    f('SELECT a FROM b WHERE x = $p', `${E}missing parameter: p`);
    f('SELECT a FROM b WHERE x = $p', `${E}missing parameter: p`, { q: 1 });
    f('SELECT value FROM cpu WHERE host = $h', `${E}missing parameter: unable to bind parameter with type <nil>`, { h: null });
    f('SELECT value FROM cpu WHERE host = $h', `${E}missing parameter: unable to bind parameter with type []interface {}`, { h: [1] });
    f('SELECT value FROM $m', `${E}found cpu, expected identifier at line 1, char 19`, { m: 'cpu' });
  });
});
