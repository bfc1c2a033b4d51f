/**
 * parseInfluxQL: one line per statement, compared with a compact rendering (render.ts). Cases come
 * from the InfluxQL reference, and from what Grafana's InfluxDB datasource (after interpolation) and
 * Telegraf send. Statements marked "influxd" were also run against influxd 1.6.7 to check that it
 * accepts them the same way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseInfluxQL, type Params } from '../../../src/query/influxql/index.ts';
import { statement } from './render.ts';

const f = (q: string, want: string, params?: Params) => {
  const got = parseInfluxQL(q, params).map(statement).join('; ');
  assert.equal(got, want, `for ${q}`);
};

describe('parseInfluxQL: SELECT', () => {
  it('parses fields', () => {
    f('SELECT value FROM cpu', 'SELECT value FROM cpu');
    f('select value from cpu', 'SELECT value FROM cpu');
    f('SELECT * FROM cpu', 'SELECT * FROM cpu');
    f('SELECT "value" FROM "cpu"', 'SELECT value FROM cpu');
    f('SELECT a, b, c FROM cpu', 'SELECT a, b, c FROM cpu');
    f('SELECT "my field" FROM "my measurement"', 'SELECT my field FROM my measurement');
    f('SELECT value AS v FROM cpu', 'SELECT value AS v FROM cpu');
    f('SELECT value AS "the value" FROM cpu', 'SELECT value AS the value FROM cpu');
    f('SELECT "host"::tag, value::field FROM cpu', 'SELECT host::tag, value::field FROM cpu');
    f('SELECT value::float, n::integer, s::string, b::boolean FROM cpu', 'SELECT value::float, n::integer, s::string, b::boolean FROM cpu');
    f('SELECT *::field FROM cpu', 'SELECT *::field FROM cpu');
    f('SELECT /^usage/ FROM cpu', 'SELECT /^usage/ FROM cpu'); // influxd
    f('SELECT time, value FROM cpu', 'SELECT time, value FROM cpu');
    f('SELECT "a\\"b" FROM cpu', 'SELECT a"b FROM cpu');
  });
  it('parses function calls', () => {
    f('SELECT mean(value) FROM cpu', 'SELECT mean(value) FROM cpu');
    f('SELECT MEAN(value) FROM cpu', 'SELECT mean(value) FROM cpu');
    f('SELECT count(*) FROM cpu', 'SELECT count(*) FROM cpu');
    f('SELECT mean(/^u/) FROM cpu', 'SELECT mean(/^u/) FROM cpu');
    f('SELECT percentile(value, 95) FROM cpu', 'SELECT percentile(value, 95) FROM cpu');
    f('SELECT percentile(value, 99.9) FROM cpu', 'SELECT percentile(value, 99.9f) FROM cpu');
    f('SELECT top(value, host, 3) FROM cpu', 'SELECT top(value, host, 3) FROM cpu');
    f('SELECT bottom(value, 2) FROM cpu', 'SELECT bottom(value, 2) FROM cpu');
    f('SELECT derivative(value, 1s) FROM cpu', 'SELECT derivative(value, 1s) FROM cpu');
    f('SELECT non_negative_derivative(mean(value), 10s) FROM cpu', 'SELECT non_negative_derivative(mean(value), 10s) FROM cpu');
    f('SELECT count(distinct(host)) FROM cpu', 'SELECT count(distinct(host)) FROM cpu');
    f('SELECT DISTINCT value FROM cpu', 'SELECT distinct(value) FROM cpu');
    f('SELECT DISTINCT(value) FROM cpu', 'SELECT distinct(value) FROM cpu');
    f('SELECT moving_average(value, 3) FROM cpu', 'SELECT moving_average(value, 3) FROM cpu');
    f('SELECT integral(value, 1h) FROM cpu', 'SELECT integral(value, 1h) FROM cpu');
    f('SELECT elapsed(value, 1ms) FROM cpu', 'SELECT elapsed(value, 1ms) FROM cpu');
    f('SELECT holt_winters(first(value), 10, 4) FROM cpu', 'SELECT holt_winters(first(value), 10, 4) FROM cpu');
    f('SELECT now() FROM cpu', 'SELECT now() FROM cpu');
    f('SELECT mean(value) AS m, max(value) AS "max" FROM cpu', 'SELECT mean(value) AS m, max(value) AS max FROM cpu');
  });
  it('parses arithmetic with InfluxQL precedence', () => {
    f('SELECT a + b * c FROM m', 'SELECT (a + (b * c)) FROM m');
    f('SELECT (a + b) * c FROM m', 'SELECT ((a + b) * c) FROM m');
    f('SELECT a - b - c FROM m', 'SELECT ((a - b) - c) FROM m');
    f('SELECT a / b % c FROM m', 'SELECT ((a / b) % c) FROM m');
    f('SELECT a & b | c ^ d FROM m', 'SELECT (((a & b) | c) ^ d) FROM m');
    f('SELECT mean(value) * 100 FROM cpu', 'SELECT (mean(value) * 100) FROM cpu');
    f('SELECT -value FROM m', 'SELECT (-1 * value) FROM m');
    f('SELECT -1.5 FROM m', 'SELECT -1.5f FROM m');
    f('SELECT a * -2 FROM m', 'SELECT (a * -2) FROM m');
    f('SELECT +a FROM m', 'SELECT a FROM m');
    f("SELECT 'x', true, 1h FROM m", "SELECT 'x', true, 1h FROM m");
  });
  it('parses sources', () => {
    f('SELECT v FROM db0.autogen.cpu', 'SELECT v FROM db0.autogen.cpu');
    f('SELECT v FROM "db0"."autogen"."cpu"', 'SELECT v FROM db0.autogen.cpu');
    f('SELECT v FROM db0..cpu', 'SELECT v FROM db0..cpu');
    f('SELECT v FROM autogen.cpu', 'SELECT v FROM autogen.cpu');
    f('SELECT v FROM /^cpu/', 'SELECT v FROM /^cpu/');
    f('SELECT v FROM /a\\/b/', 'SELECT v FROM /a/b/');
    f('SELECT v FROM db0.autogen./^cpu/', 'SELECT v FROM db0.autogen./^cpu/');
    f('SELECT v FROM cpu, mem', 'SELECT v FROM cpu, mem');
    f('SELECT max(m) FROM (SELECT mean(v) AS m FROM cpu GROUP BY time(1m))', 'SELECT max(m) FROM (SELECT mean(v) AS m FROM cpu GROUP BY time(1m))');
    f('SELECT v FROM (SELECT v FROM cpu WHERE v > 1), mem', 'SELECT v FROM (SELECT v FROM cpu WHERE (v > 1)), mem');
  });
  it('parses WHERE', () => {
    f("SELECT v FROM cpu WHERE host = 'a'", "SELECT v FROM cpu WHERE (host = 'a')");
    f("SELECT v FROM cpu WHERE host <> 'a'", "SELECT v FROM cpu WHERE (host != 'a')");
    f("SELECT v FROM cpu WHERE host != 'a' AND v > 1.5", "SELECT v FROM cpu WHERE ((host != 'a') AND (v > 1.5f))");
    f('SELECT v FROM cpu WHERE host =~ /^a$/', 'SELECT v FROM cpu WHERE (host =~ /^a$/)');
    f('SELECT v FROM cpu WHERE host !~ /a|b/', 'SELECT v FROM cpu WHERE (host !~ /a|b/)');
    f('SELECT v FROM cpu WHERE a = 1 OR b = 2 AND c = 3', 'SELECT v FROM cpu WHERE ((a = 1) OR ((b = 2) AND (c = 3)))');
    f('SELECT v FROM cpu WHERE (a = 1 OR b = 2) AND c = 3', 'SELECT v FROM cpu WHERE (((a = 1) OR (b = 2)) AND (c = 3))');
    f('SELECT v FROM cpu WHERE time > now() - 1h', 'SELECT v FROM cpu WHERE (time > (now() - 1h))');
    f("SELECT v FROM cpu WHERE time >= '2026-01-01T00:00:00Z' AND time < '2026-01-02'", "SELECT v FROM cpu WHERE ((time >= '2026-01-01T00:00:00Z') AND (time < '2026-01-02'))");
    f('SELECT v FROM cpu WHERE time >= 1700000000000ms and time <= 1700003600000ms', 'SELECT v FROM cpu WHERE ((time >= 1700000000s) AND (time <= 1700003600s))');
    f('SELECT v FROM cpu WHERE time > 1700000000000000000', 'SELECT v FROM cpu WHERE (time > 1700000000000000000)');
    f('SELECT v FROM cpu WHERE v + 1 > 2 * 3', 'SELECT v FROM cpu WHERE ((v + 1) > (2 * 3))');
    f('SELECT v FROM cpu WHERE b = true', 'SELECT v FROM cpu WHERE (b = true)');
    f("SELECT v FROM cpu WHERE \"host\"::tag = 'a'", "SELECT v FROM cpu WHERE (host::tag = 'a')");
    f('SELECT v FROM cpu WHERE v >= -1', 'SELECT v FROM cpu WHERE (v >= -1)');
    f('SELECT v FROM cpu WHERE x = 1 AND *', 'SELECT v FROM cpu WHERE ((x = 1) AND *)'); // influxd parses this
    f("SELECT v FROM cpu WHERE host = 'it\\'s'", "SELECT v FROM cpu WHERE (host = 'it's')");
  });
  it('parses GROUP BY, fill, ORDER BY, limits and tz', () => {
    f('SELECT mean(v) FROM cpu GROUP BY time(1m)', 'SELECT mean(v) FROM cpu GROUP BY time(1m)');
    f('SELECT mean(v) FROM cpu GROUP BY time(1h, 15m)', 'SELECT mean(v) FROM cpu GROUP BY time(1h, 15m)');
    f('SELECT mean(v) FROM cpu GROUP BY time(1h, -15m)', 'SELECT mean(v) FROM cpu GROUP BY time(1h, -15m)');
    f('SELECT mean(v) FROM cpu GROUP BY time(1h, now())', 'SELECT mean(v) FROM cpu GROUP BY time(1h, now())');
    f('SELECT mean(v) FROM cpu GROUP BY host', 'SELECT mean(v) FROM cpu GROUP BY host');
    f('SELECT mean(v) FROM cpu GROUP BY "host", region', 'SELECT mean(v) FROM cpu GROUP BY host, region');
    f('SELECT mean(v) FROM cpu GROUP BY *', 'SELECT mean(v) FROM cpu GROUP BY *');
    f('SELECT mean(v) FROM cpu GROUP BY /^h/', 'SELECT mean(v) FROM cpu GROUP BY /^h/');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s), host fill(null)', 'SELECT mean(v) FROM cpu GROUP BY time(10s), host fill(null)');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) fill(none)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(none)');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) fill(previous)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(previous)');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) fill(linear)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(linear)');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) fill(0)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(0)');
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) fill(-1.5)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(-1.5)'); // influxd
    f('SELECT mean(v) FROM cpu GROUP BY time(10s) FILL(NULL)', 'SELECT mean(v) FROM cpu GROUP BY time(10s) fill(null)');
    f('SELECT mean(v) FROM cpu fill(0)', 'SELECT mean(v) FROM cpu fill(0)');
    f('SELECT v FROM cpu ORDER BY time DESC', 'SELECT v FROM cpu ORDER DESC');
    f('SELECT v FROM cpu ORDER BY time ASC', 'SELECT v FROM cpu');
    f('SELECT v FROM cpu ORDER BY time', 'SELECT v FROM cpu');
    f('SELECT v FROM cpu ORDER BY DESC', 'SELECT v FROM cpu ORDER DESC');
    f('SELECT v FROM cpu LIMIT 10', 'SELECT v FROM cpu LIMIT 10');
    f('SELECT v FROM cpu LIMIT 10 OFFSET 5', 'SELECT v FROM cpu LIMIT 10 OFFSET 5');
    f('SELECT v FROM cpu SLIMIT 2 SOFFSET 1', 'SELECT v FROM cpu SLIMIT 2 SOFFSET 1');
    f('SELECT v FROM cpu LIMIT 1 OFFSET 2 SLIMIT 3 SOFFSET 4', 'SELECT v FROM cpu LIMIT 1 OFFSET 2 SLIMIT 3 SOFFSET 4');
    f("SELECT v FROM cpu tz('Europe/Berlin')", "SELECT v FROM cpu tz('Europe/Berlin')");
    f("SELECT v FROM cpu WHERE time > now() - 1h GROUP BY time(1m) fill(0) ORDER BY time DESC LIMIT 5 tz('UTC')", "SELECT v FROM cpu WHERE (time > (now() - 1h)) GROUP BY time(1m) fill(0) ORDER DESC LIMIT 5 tz('UTC')");
  });
  it('parses INTO', () => {
    f('SELECT v INTO cpu_copy FROM cpu', 'SELECT v INTO {"name":"cpu_copy","allMeasurements":false} FROM cpu');
    f('SELECT v INTO db1.rp1.cpu FROM cpu', 'SELECT v INTO {"database":"db1","retentionPolicy":"rp1","name":"cpu","allMeasurements":false} FROM cpu');
    f('SELECT * INTO db1..:MEASUREMENT FROM /.*/', 'SELECT * INTO {"database":"db1","allMeasurements":true} FROM /.*/');
  });
  it('parses the queries of the Grafana InfluxDB datasource', () => {
    f('SELECT mean("value") FROM "cpu" WHERE ("host" =~ /^a$/) AND time >= 1700000000000ms and time <= 1700003600000ms GROUP BY time(10s) fill(null)',
      'SELECT mean(value) FROM cpu WHERE (((host =~ /^a$/) AND (time >= 1700000000s)) AND (time <= 1700003600s)) GROUP BY time(10s) fill(null)');
    f('SELECT mean("value") FROM "autogen"."cpu" WHERE ("host" = \'a\' AND "x" =~ /^v$/) AND time >= 1700000000000ms and time <= 1700003600000ms GROUP BY time(10s), "host" fill(null) ORDER BY time DESC limit 10 slimit 5 tz(\'Europe/Berlin\')',
      "SELECT mean(value) FROM autogen.cpu WHERE ((((host = 'a') AND (x =~ /^v$/)) AND (time >= 1700000000s)) AND (time <= 1700003600s)) GROUP BY time(10s), host fill(null) ORDER DESC LIMIT 10 SLIMIT 5 tz('Europe/Berlin')");
    f('SELECT non_negative_derivative(mean("bytes_recv"), 1s) * 8 AS "in" FROM "net" WHERE time >= now() - 6h GROUP BY time(200ms), "interface"::tag fill(none)',
      'SELECT (non_negative_derivative(mean(bytes_recv), 1s) * 8) AS in FROM net WHERE (time >= (now() - 6h)) GROUP BY time(200ms), interface::tag fill(none)');
    f('SELECT last("usage_idle") FROM "cpu" WHERE ("cpu" = \'cpu-total\') AND $timeFilter GROUP BY time($__interval)'.replace('$timeFilter', 'time >= 1700000000000ms and time <= 1700003600000ms').replace('$__interval', '1m'),
      "SELECT last(usage_idle) FROM cpu WHERE (((cpu = 'cpu-total') AND (time >= 1700000000s)) AND (time <= 1700003600s)) GROUP BY time(1m)");
    f('SELECT count("value") FROM "requests" WHERE time > now() - 5m GROUP BY "status"::tag', 'SELECT count(value) FROM requests WHERE (time > (now() - 5m)) GROUP BY status::tag');
    f('SELECT percentile("latency", 95) FROM "http" WHERE time >= 1700000000000ms GROUP BY time(1m), * fill(previous)', 'SELECT percentile(latency, 95) FROM http WHERE (time >= 1700000000s) GROUP BY time(1m), * fill(previous)');
    f('SELECT "value" FROM "cpu" WHERE time >= now() - 1h ORDER BY time DESC LIMIT 1', 'SELECT value FROM cpu WHERE (time >= (now() - 1h)) ORDER DESC LIMIT 1');
  });
  it('parses several statements, comments and whitespace', () => {
    f('SELECT a FROM b; SELECT c FROM d', 'SELECT a FROM b; SELECT c FROM d');
    f('SELECT a FROM b;', 'SELECT a FROM b');
    f(';;SELECT a FROM b;;', 'SELECT a FROM b');
    f('', '');
    f('  \n ', '');
    f('SELECT a -- the field\nFROM b', 'SELECT a FROM b');
    f('SELECT /* all */ a FROM b', 'SELECT a FROM b');
    f('SELECT\n\ta\nFROM\n\tb\r\n', 'SELECT a FROM b');
    f('SHOW DATABASES; SHOW MEASUREMENTS', 'showDatabases; showMeasurements');
  });
});

describe('parseInfluxQL: bound parameters', () => {
  it('substitutes by type, as influxd does', () => {
    f('SELECT v FROM cpu WHERE host = $host', "SELECT v FROM cpu WHERE (host = 'a')", { host: 'a' });
    f('SELECT v FROM cpu WHERE v > $v', 'SELECT v FROM cpu WHERE (v > 2)', { v: 2 });
    f('SELECT v FROM cpu WHERE v > $v', 'SELECT v FROM cpu WHERE (v > 2.5f)', { v: 2.5 });
    f('SELECT v FROM cpu WHERE b = $b', 'SELECT v FROM cpu WHERE (b = true)', { b: true });
    f('SELECT v FROM cpu WHERE time > now() - $d', "SELECT v FROM cpu WHERE (time > (now() - '1h'))", { d: '1h' }); // a string stays a string (influxd)
    f('SELECT v FROM cpu WHERE time > now() - $d', 'SELECT v FROM cpu WHERE (time > (now() - 1h))', { d: { duration: '1h' } });
    f('SELECT v FROM $m', 'SELECT v FROM cpu', { m: { identifier: 'cpu' } });
    f('SELECT v FROM cpu WHERE host =~ $re', 'SELECT v FROM cpu WHERE (host =~ /^a/)', { re: { regex: '^a' } });
    f('SELECT v FROM cpu LIMIT $n', 'SELECT v FROM cpu LIMIT 3', { n: 3 });
    f('SELECT v FROM cpu WHERE host = $"my host"', "SELECT v FROM cpu WHERE (host = 'a')", { 'my host': 'a' });
  });
});

describe('parseInfluxQL: SHOW', () => {
  it('parses the SHOW statements', () => {
    f('SHOW DATABASES', 'showDatabases');
    f('show databases', 'showDatabases');
    f('SHOW MEASUREMENTS', 'showMeasurements');
    f('SHOW measurements', 'showMeasurements');
    f('SHOW MEASUREMENTS ON "telegraf"', 'showMeasurements {"database":"telegraf"}');
    f('SHOW MEASUREMENTS WITH MEASUREMENT =~ /cpu/ LIMIT 100', 'showMeasurements {"measurement":{"op":"=~","value":"cpu"},"limit":100}');
    f('SHOW MEASUREMENTS WITH MEASUREMENT =~ /(?i)cp/ LIMIT 100', 'showMeasurements {"measurement":{"op":"=~","value":"(?i)cp"},"limit":100}');
    f('SHOW MEASUREMENTS WITH MEASUREMENT = cpu', 'showMeasurements {"measurement":{"op":"=","value":"cpu"}}');
    f("SHOW MEASUREMENTS WHERE host = 'a' LIMIT 10 OFFSET 2", 'showMeasurements {"condition":"(host = \'a\')","limit":10,"offset":2}');
    f('SHOW TAG KEYS', 'showTagKeys');
    f('SHOW TAG KEYS FROM "cpu"', 'showTagKeys {"sources":["cpu"]}');
    f('SHOW TAG KEYS ON db0 FROM /^c/ WHERE host = \'a\' LIMIT 5', 'showTagKeys {"database":"db0","sources":["/^c/"],"condition":"(host = \'a\')","limit":5}');
    f('SHOW TAG VALUES WITH KEY = "host"', 'showTagValues {"key":{"op":"=","key":"host"}}');
    f('SHOW TAG VALUES FROM "cpu" WITH KEY = "host"', 'showTagValues {"sources":["cpu"],"key":{"op":"=","key":"host"}}');
    f('SHOW TAG VALUES FROM "autogen"."cpu" WITH KEY = "host" WHERE "region" = \'eu\' AND "dc" = \'x\'', 'showTagValues {"sources":["autogen.cpu"],"key":{"op":"=","key":"host"},"condition":"((region = \'eu\') AND (dc = \'x\'))"}');
    f('SHOW TAG VALUES WITH KEY IN ("host", "region")', 'showTagValues {"key":{"op":"in","keys":["host","region"]}}');
    f('SHOW TAG VALUES WITH KEY =~ /^h/', 'showTagValues {"key":{"op":"=~","pattern":"^h"}}');
    f('SHOW TAG VALUES WITH KEY !~ /^h/', 'showTagValues {"key":{"op":"!~","pattern":"^h"}}');
    f('SHOW TAG VALUES WITH KEY != host', 'showTagValues {"key":{"op":"!=","key":"host"}}');
    f('SHOW TAG VALUES ON db0 WITH KEY = host LIMIT 10 OFFSET 1', 'showTagValues {"database":"db0","key":{"op":"=","key":"host"},"limit":10,"offset":1}');
    f('SHOW FIELD KEYS', 'showFieldKeys');
    f('SHOW FIELD KEYS FROM "cpu"', 'showFieldKeys {"sources":["cpu"]}');
    f('SHOW FIELD KEYS FROM "autogen"."cpu"', 'showFieldKeys {"sources":["autogen.cpu"]}');
    f('SHOW FIELD KEYS ON db0 FROM cpu, mem', 'showFieldKeys {"database":"db0","sources":["cpu","mem"]}');
    f('SHOW SERIES', 'showSeries');
    f('SHOW SERIES FROM cpu WHERE host = \'a\' LIMIT 10', 'showSeries {"sources":["cpu"],"condition":"(host = \'a\')","limit":10}');
    f('SHOW SERIES ON db0', 'showSeries {"database":"db0"}');
    f('SHOW RETENTION POLICIES', 'showRetentionPolicies');
    f('SHOW RETENTION POLICIES on "telegraf"', 'showRetentionPolicies {"database":"telegraf"}');
    f('SHOW CONTINUOUS QUERIES', 'showContinuousQueries');
    f('SHOW USERS', 'showUsers');
    f('SHOW GRANTS FOR "jdoe"', 'showGrants {"user":"jdoe"}');
    f('SHOW QUERIES', 'showQueries');
    f('SHOW SHARDS', 'showShards');
    f('SHOW SHARD GROUPS', 'showShardGroups');
    f('SHOW SUBSCRIPTIONS', 'showSubscriptions');
    f('SHOW STATS', 'showStats');
    f("SHOW STATS FOR 'httpd'", 'showStats {"module":"httpd"}');
    f('SHOW DIAGNOSTICS', 'showDiagnostics');
  });
  it('parses the cardinality statements', () => {
    f('SHOW SERIES CARDINALITY', 'showCardinality {"of":"series","exact":false}');
    f('SHOW SERIES EXACT CARDINALITY ON db0 FROM cpu', 'showCardinality {"of":"series","exact":true,"database":"db0","sources":["cpu"]}');
    f('SHOW MEASUREMENT CARDINALITY', 'showCardinality {"of":"measurement","exact":false}');
    f('SHOW MEASUREMENT EXACT CARDINALITY', 'showCardinality {"of":"measurement","exact":true}');
    f('SHOW TAG KEY CARDINALITY', 'showCardinality {"of":"tagKey","exact":false}');
    f('SHOW TAG KEY EXACT CARDINALITY FROM cpu', 'showCardinality {"of":"tagKey","exact":true,"sources":["cpu"]}');
    f('SHOW TAG VALUES CARDINALITY WITH KEY = "host"', 'showCardinality {"of":"tagValues","exact":false,"key":{"op":"=","key":"host"}}');
    f('SHOW TAG VALUES EXACT CARDINALITY FROM cpu WITH KEY = host WHERE region = \'eu\'', 'showCardinality {"of":"tagValues","exact":true,"sources":["cpu"],"key":{"op":"=","key":"host"},"condition":"(region = \'eu\')"}');
    f('SHOW FIELD KEY CARDINALITY', 'showCardinality {"of":"fieldKey","exact":false}');
    f('SHOW FIELD KEY EXACT CARDINALITY ON db0', 'showCardinality {"of":"fieldKey","exact":true,"database":"db0"}');
    f('SHOW SERIES CARDINALITY WHERE host = \'a\' GROUP BY region', 'showCardinality {"of":"series","exact":false,"condition":"(host = \'a\')","dimensions":["region"]}');
  });
});

describe('parseInfluxQL: database, retention policy, user and other statements', () => {
  it('parses CREATE and DROP DATABASE', () => {
    f('CREATE DATABASE "telegraf"', 'createDatabase {"name":"telegraf"}');
    f('CREATE DATABASE telegraf', 'createDatabase {"name":"telegraf"}');
    f('create database "my db"', 'createDatabase {"name":"my db"}');
    f('CREATE DATABASE d WITH DURATION 7d', 'createDatabase {"name":"d","retention":{"duration":604800000000000}}');
    f('CREATE DATABASE d WITH DURATION INF REPLICATION 1 SHARD DURATION 1h NAME rp1', 'createDatabase {"name":"d","retention":{"duration":0,"replication":1,"shardDuration":3600000000000,"name":"rp1"}}'); // influxd
    f('CREATE DATABASE d WITH NAME rp1', 'createDatabase {"name":"d","retention":{"name":"rp1"}}');
    f('DROP DATABASE "telegraf"', 'dropDatabase {"name":"telegraf"}');
  });
  it('parses retention policies', () => {
    f('CREATE RETENTION POLICY "one_week" ON "db0" DURATION 1w REPLICATION 1', 'createRetentionPolicy {"name":"one_week","database":"db0","settings":{"duration":604800000000000,"replication":1}}');
    f('CREATE RETENTION POLICY rp ON db0 DURATION 1h REPLICATION 1 SHARD DURATION 30m DEFAULT', 'createRetentionPolicy {"name":"rp","database":"db0","settings":{"duration":3600000000000,"replication":1,"shardDuration":1800000000000,"isDefault":true}}');
    f('CREATE RETENTION POLICY rp ON db0 DURATION INF REPLICATION 1 DEFAULT', 'createRetentionPolicy {"name":"rp","database":"db0","settings":{"duration":0,"replication":1,"isDefault":true}}');
    f('ALTER RETENTION POLICY rp ON db0 DURATION 2h', 'alterRetentionPolicy {"name":"rp","database":"db0","settings":{"duration":7200000000000}}');
    f('ALTER RETENTION POLICY rp ON db0 DEFAULT REPLICATION 2', 'alterRetentionPolicy {"name":"rp","database":"db0","settings":{"isDefault":true,"replication":2}}');
    f('ALTER RETENTION POLICY rp ON db0 SHARD DURATION 1d', 'alterRetentionPolicy {"name":"rp","database":"db0","settings":{"shardDuration":86400000000000}}');
    f('DROP RETENTION POLICY rp ON db0', 'dropRetentionPolicy {"name":"rp","database":"db0"}');
  });
  it('parses DROP MEASUREMENT, DROP SERIES and DELETE', () => {
    f('DROP MEASUREMENT "cpu"', 'dropMeasurement {"name":"cpu"}');
    f('DROP SERIES FROM cpu', 'dropSeries {"sources":["cpu"]}');
    f("DROP SERIES FROM cpu WHERE host = 'a'", 'dropSeries {"sources":["cpu"],"condition":"(host = \'a\')"}');
    f("DROP SERIES WHERE host = 'a'", 'dropSeries {"condition":"(host = \'a\')"}');
    f('DELETE FROM cpu', 'delete {"sources":["cpu"]}');
    f("DELETE FROM cpu WHERE time < '2026-01-01'", 'delete {"sources":["cpu"],"condition":"(time < \'2026-01-01\')"}');
    f('DELETE WHERE time < now() - 30d', 'delete {"condition":"(time < (now() - 30d))"}');
    f('DROP SHARD 12', 'dropShard {"id":12}');
    f('DROP CONTINUOUS QUERY cq ON db0', 'dropContinuousQuery {"name":"cq","database":"db0"}');
  });
  it('parses users and privileges', () => {
    f("CREATE USER jdoe WITH PASSWORD 'secret'", 'createUser {"name":"jdoe","password":"secret","admin":false}');
    f("CREATE USER \"admin\" WITH PASSWORD 'x\\'y' WITH ALL PRIVILEGES", 'createUser {"name":"admin","password":"x\'y","admin":true}');
    f('DROP USER jdoe', 'dropUser {"name":"jdoe"}');
    f("SET PASSWORD FOR jdoe = 'new'", 'setPassword {"user":"jdoe","password":"new"}');
    f('GRANT ALL TO jdoe', 'grant {"privilege":"all","user":"jdoe"}');
    f('GRANT ALL PRIVILEGES TO jdoe', 'grant {"privilege":"all","user":"jdoe"}');
    f('GRANT ALL ON db0 TO jdoe', 'grant {"privilege":"all","database":"db0","user":"jdoe"}');
    f('GRANT READ ON db0 TO jdoe', 'grant {"privilege":"read","database":"db0","user":"jdoe"}');
    f('GRANT WRITE ON "db0" TO "jdoe"', 'grant {"privilege":"write","database":"db0","user":"jdoe"}');
    f('REVOKE ALL PRIVILEGES FROM jdoe', 'revoke {"privilege":"all","user":"jdoe"}');
    f('REVOKE READ ON db0 FROM jdoe', 'revoke {"privilege":"read","database":"db0","user":"jdoe"}');
    f('REVOKE ALL ON db0 FROM jdoe', 'revoke {"privilege":"all","database":"db0","user":"jdoe"}');
  });
  it('parses EXPLAIN and KILL QUERY', () => {
    f('EXPLAIN SELECT v FROM cpu', 'explain {"analyze":false,"statement":"SELECT v FROM cpu"}');
    f('EXPLAIN ANALYZE SELECT mean(v) FROM cpu GROUP BY time(1m)', 'explain {"analyze":true,"statement":"SELECT mean(v) FROM cpu GROUP BY time(1m)"}');
    f('KILL QUERY 36', 'killQuery {"id":36}');
    f('KILL QUERY 36 ON "host1"', 'killQuery {"id":36,"host":"host1"}');
  });
});
