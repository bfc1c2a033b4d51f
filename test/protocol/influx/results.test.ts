// Golden answers taken from influxd 1.6.7 for the same data (run by hand against it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CHUNK_SIZE, encodeChunkedResults, encodeCsv, encodeResults, timeFormatter, toInfluxSeries } from '../../../src/protocol/influx/index.ts';

const S = 1_000_000_000n;
const cpu = (tags: Record<string, string>, rows: Array<[bigint, ...Array<number | string | null>]>) => ({ name: 'cpu', tags, columns: ['time', 'v', 's'], values: rows });

describe('encodeResults(results, pretty)', () => {
  const f = (results: Parameters<typeof encodeResults>[0], want: string, pretty = false) => assert.equal(encodeResults(results, pretty), want);
  it("writes InfluxDB's JSON: statement ids, series without empty tags, empty statements bare", () => {
    const rfc = timeFormatter(undefined);
    f([{ statementId: 0, series: [toInfluxSeries(cpu({}, [[S, 1.5, null]]), rfc)] }], '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v","s"],"values":[["1970-01-01T00:00:01Z",1.5,null]]}]}]}');
    f([{ statementId: 0, series: [toInfluxSeries(cpu({ host: 'b' }, [[2n * S, 2, 'q,"x']]), timeFormatter('ms'))] }], '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"b"},"columns":["time","v","s"],"values":[[2000,2,"q,\\"x"]]}]}]}');
    f([{ statementId: 0, series: [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values: [['autogen', '0s', '168h0m0s', 1, true]] }] }], '{"results":[{"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["autogen","0s","168h0m0s",1,true]]}]}]}');
    f([{ statementId: 0 }, { statementId: 1, error: 'database not found: x' }], '{"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: x"}]}');
    f([{ statementId: 0, series: [{ name: 'n', columns: ['time', 'v'], values: [['t', 9007199254740993n]] }] }], '{"results":[{"statement_id":0,"series":[{"name":"n","columns":["time","v"],"values":[["t",9007199254740993]]}]}]}');
  });
  it('indents like pretty=true', () => {
    const rfc = timeFormatter(undefined);
    const want = [
      '{', '    "results": [', '        {', '            "statement_id": 0,', '            "series": [', '                {', '                    "name": "cpu",',
      '                    "columns": [', '                        "time",', '                        "v"', '                    ],', '                    "values": [', '                        [',
      '                            "1970-01-01T00:00:01Z",', '                            1.5', '                        ]', '                    ]', '                }', '            ]', '        },',
      '        {', '            "statement_id": 1', '        }', '    ]', '}',
    ].join('\n');
    f([{ statementId: 0, series: [toInfluxSeries({ name: 'cpu', tags: {}, columns: ['time', 'v'], values: [[S, 1.5]] }, rfc)] }, { statementId: 1 }], want, true);
  });
});

describe("influxd's chunks and their partial flags", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [i, i * 2]);
  const series = (name: string, n: number) => ({ name, columns: ['time', 'v'], values: rows(n) });
  const flags = (json: string) => (JSON.parse(json) as { results: Array<{ series?: Array<{ partial?: boolean }> }> }).results.map((r) => (r.series ?? []).map((x) => x.partial === true));

  it('flags a whole series of more than 10,000 rows of a statement influxd emits in chunks, without chunked=true', () => {
    const answer = encodeResults([
      { statementId: 0, inChunks: true, series: [series('a', DEFAULT_CHUNK_SIZE), series('b', DEFAULT_CHUNK_SIZE + 1)] },
      { statementId: 1, series: [series('c', DEFAULT_CHUNK_SIZE + 1)] },
    ]);
    assert.deepEqual(flags(answer), [[false, true], [false]]);
    assert.ok(!answer.includes('inChunks'), 'not written out');
    assert.equal((JSON.parse(answer) as { results: Array<{ series: Array<{ values: unknown[] }> }> }).results[0]!.series[1]!.values.length, DEFAULT_CHUNK_SIZE + 1, 'whole');
  });

  it('cuts only such statements in a chunked=true answer; the others come a document per series, whole', () => {
    const lines = encodeChunkedResults(
      [
        { statementId: 0, inChunks: true, series: [series('a', 3)] },
        { statementId: 1, series: [{ name: 'cpu', columns: ['tagKey'], values: [['host'], ['region']] }, { name: 'mem', columns: ['tagKey'], values: [['host']] }], messages: [{ level: 'warning', text: 'w' }] },
      ],
      2,
    )
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    assert.deepEqual(lines, [
      { results: [{ statement_id: 0, series: [{ name: 'a', columns: ['time', 'v'], values: [[0, 0], [1, 2]], partial: true }], partial: true }] },
      { results: [{ statement_id: 0, series: [{ name: 'a', columns: ['time', 'v'], values: [[2, 4]] }] }] },
      { results: [{ statement_id: 1, series: [{ name: 'cpu', columns: ['tagKey'], values: [['host'], ['region']] }] }] },
      { results: [{ statement_id: 1, series: [{ name: 'mem', columns: ['tagKey'], values: [['host']] }], messages: [{ level: 'warning', text: 'w' }] }] },
    ]);
  });
});

describe('encodeCsv(results)', () => {
  it("writes InfluxDB's CSV: ns times, empty tags left out, a new header when the columns change", () => {
    const ns = timeFormatter('n');
    const results = [
      { statementId: 0, series: [toInfluxSeries(cpu({ host: '' }, [[1795635034208690926n, 1, null]]), ns), toInfluxSeries(cpu({ host: 'b' }, [[2n * S, 2, 'q,"x']]), ns)] },
      { statementId: 1, series: [{ name: 'databases', columns: ['name'], values: [['db'], ['_internal']] }] },
    ];
    assert.equal(encodeCsv(results), 'name,tags,time,v,s\ncpu,,1795635034208690926,1,\ncpu,host=b,2000000000,2,"q,""x"\n\nname,tags,name\ndatabases,,db\ndatabases,,_internal\n');
    assert.equal(encodeCsv([{ statementId: 0, series: [toInfluxSeries({ name: 'cpu', tags: { dc: 'x', host: 'a' }, columns: ['time', 'v'], values: [[S, 1.5]] }, ns)] }]), 'name,tags,time,v\ncpu,"dc=x,host=a",1000000000,1.5\n');
    assert.equal(encodeCsv([{ statementId: 0 }]), '');
  });
});
