// Statements printed back as influxd 1.6.7 prints them (the texts below are its warnings for the
// same statements sent by GET).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changesState, parseInfluxQL, readOnlyWarning, statementText } from '../../../src/query/influxql/index.ts';

const text = (q: string) => statementText(parseInfluxQL(q)[0]!);

describe('statementText', () => {
  it("prints the statements that change things as influxd does", () => {
    assert.equal(text('CREATE DATABASE "my db" WITH DURATION 2d'), 'CREATE DATABASE "my db" WITH DURATION 48h0m0s');
    assert.equal(text('create database x5'), 'CREATE DATABASE x5');
    assert.equal(text('CREATE RETENTION POLICY "rp2" ON "my db" DURATION INF REPLICATION 2 SHARD DURATION 2h DEFAULT'), 'CREATE RETENTION POLICY rp2 ON "my db" DURATION 0s REPLICATION 2 SHARD DURATION 2h DEFAULT');
    assert.equal(text('ALTER RETENTION POLICY autogen ON "my db" DURATION 120m SHARD DURATION 1h DEFAULT'), 'ALTER RETENTION POLICY autogen ON "my db" DURATION 2h SHARD DURATION 1h DEFAULT');
    assert.equal(text('DROP RETENTION POLICY "r" ON "my db"'), 'DROP RETENTION POLICY r ON "my db"');
    assert.equal(text('DROP MEASUREMENT "m-1"'), 'DROP MEASUREMENT "m-1"');
    assert.equal(text('DROP SERIES FROM "cpu"'), 'DROP SERIES FROM cpu');
    assert.equal(text(`CREATE USER "a b" WITH PASSWORD 'p' WITH ALL PRIVILEGES`), 'CREATE USER "a b" WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES');
    assert.equal(text(`SET PASSWORD FOR u = 'x'`), 'SET PASSWORD FOR u = [REDACTED]');
    assert.equal(text('GRANT ALL TO u'), 'GRANT ALL PRIVILEGES TO u');
    assert.equal(text('REVOKE ALL ON x1 FROM u'), 'REVOKE ALL PRIVILEGES ON x1 FROM u');
    assert.equal(text('GRANT READ ON "my db" TO u'), 'GRANT READ ON "my db" TO u');
  });

  it('prints a SELECT with influxd\'s literals, parentheses and clauses', () => {
    assert.equal(
      text(
        `SELECT mean("v") AS m, percentile(v, 90.5) INTO i1."a b".:MEASUREMENT FROM i1.autogen.cpu, i1.autogen./c.*/, (SELECT * FROM i1.autogen.cpu) WHERE v > 1.5 AND (host = 'a' OR host =~ /b\\/c/) AND time > now() - 1h GROUP BY time(1m, 30s), host, * fill(0) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 tz('Europe/Paris')`,
      ),
      `SELECT mean(v) AS m, percentile(v, 90.500) INTO i1."a b".:MEASUREMENT FROM i1.autogen.cpu, i1.autogen./c.*/, (SELECT * FROM i1.autogen.cpu) WHERE v > 1.500 AND (host = 'a' OR host =~ /b\\/c/) AND time > now() - 1h GROUP BY time(1m, 30s), host, * fill(0) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 TZ('Europe/Paris')`,
    );
    assert.equal(text('SELECT count(v) INTO c FROM cpu WHERE v = 2 AND n != -3 GROUP BY time(1h) fill(none)'), 'SELECT count(v) INTO c FROM cpu WHERE v = 2 AND n != -3 GROUP BY time(1h) fill(none)');
  });

  it('warns only about statements that change state', () => {
    const [select, into, del, create] = parseInfluxQL('SELECT v FROM cpu; SELECT v INTO x FROM cpu; DELETE FROM cpu; CREATE DATABASE d');
    assert.deepEqual([select, into, del, create].map((s) => changesState(s!)), [false, true, false, true]);
    assert.equal(readOnlyWarning(create!), "deprecated use of 'CREATE DATABASE d' in a read only context, please use a POST request instead");
  });
});
