/**
 * Golden tests of the line protocol parser, one line per case: the body, then every sample it
 * writes (`<series key> <field>=<value> <ns>`) and every error (`line N: <message>`). The cases
 * re-derive InfluxDB 1.x's own (models/points_test.go, research/protocols.md §1) plus CRLF,
 * precisions and the time range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldType, WriteBatch } from '../../../src/core/index.ts';
import { parseLineProtocol } from '../../../src/protocol/lineprotocol/index.ts';
import type { Precision } from '../../../src/protocol/lineprotocol/index.ts';
import { DEFAULT_TIME, describe, parse, samples } from './helpers.ts';

const f = (input: string, want: string[], precision: Precision = 'ns'): void => {
  assert.deepEqual(describe(input, precision), want, JSON.stringify(input));
};
const bad = (input: string, reason: string): void => {
  const text = input.replace(/\r?\n$/, '');
  f(input, [`line 1: unable to parse '${text}': ${reason}`]);
};
const D = String(DEFAULT_TIME);

test('measurement, tags, series keys', () => {
  f('cpu value=1', [`cpu value=1 ${D}`]);
  f('cpu,host=a value=1 10', ['cpu,host=a value=1 10']);
  f('cpu,zone=z,host=a,b=c value=1 10', ['cpu,b=c,host=a,zone=z value=1 10']); // tags sorted
  f('cpu,host=a value=1 10\ncpu,host=a value=2 20', ['cpu,host=a value=1 10', 'cpu,host=a value=2 20']);
  f('cpu\\,load,host=a v=1 1', ['cpu\\,load,host=a v=1 1']);
  f('cpu\\ load v=1 1', ['cpu\\ load v=1 1']);
  f('cpu\\=load v=1 1', ['cpu\\\\\\=load v=1 1']); // `\=` is no escape in a measurement: the backslash stays
  f('"cpu" v=1 1', ['"cpu" v=1 1']);
  f('cpu,host=a\\,b v=1 1', ['cpu,host=a\\,b v=1 1']);
  f('cpu,host=a\\ b v=1 1', ['cpu,host=a\\ b v=1 1']);
  f('cpu,host=a\\=b v=1 1', ['cpu,host=a\\=b v=1 1']);
  f('cpu,ho\\ st=a v=1 1', ['cpu,ho\\ st=a v=1 1']);
  f('cpu,ho\\=st=a v=1 1', ['cpu,ho\\=st=a v=1 1']);
  f('cpu,region=\\\\ east v=1 1', ['cpu,region=\\\\\\ east v=1 1']); // value `\ east`
  f('cpu,tag="a v=1 1', ['cpu,tag="a v=1 1']);
  f('cpu,host=ü,rég=ñ v=1 1', ['cpu,host=ü,rég=ñ v=1 1']);
  f('  \tcpu v=1 1', ['cpu v=1 1']);
});

test('key errors', () => {
  bad(',host=a v=1', 'missing measurement');
  bad('cpu', 'missing fields');
  bad('cpu ', 'missing fields');
  bad('cpu,host=a', 'missing fields');
  bad('cpu,host=a ', 'missing fields');
  bad('cpu,=a v=1', 'missing tag key');
  bad('cpu,host=a, v=1', 'missing tag key');
  bad('cpu,host v=1', 'missing tag value');
  bad('cpu,host= v=1', 'missing tag value');
  bad('cpu,host=a,region= v=1', 'missing tag value');
  bad('cpu,host=a,region=,zone=b v=1', 'missing tag value');
  bad('cpu,host=a=b v=1', 'invalid tag format');
  bad('cpu,host=a,host=b v=1', 'duplicate tags');
  bad('cpu\\ v=1', 'missing fields'); // the escaped space does not end the key
  // Ours: __name__ names the measurement in queries, so it cannot be a tag.
  const reserved = 'invalid tag key "__name__": the name is reserved for the measurement';
  bad('cpu,__name__=x v=1', reserved);
  bad('cpu,host=a,__name__=x v=1 1', reserved);
  bad('cpu,__name__=a,__name__=b v=1', 'duplicate tags'); // influxd's reasons come first
  bad('cpu,__name__= v=1', 'missing tag value');
  f('cpu,__name=x,name__=y __name__=1 1', ['cpu,__name=x,name__=y __name__=1 1']);
});

test('field keys', () => {
  f('cpu a\\ b=1 1', ['cpu a b=1 1']);
  f('cpu a\\,b=1 1', ['cpu a,b=1 1']);
  f('cpu a\\=b=1 1', ['cpu a=b=1 1']);
  f('cpu a\\"b=1 1', ['cpu a"b=1 1']);
  f('cpu "a=1 1', ['cpu "a=1 1']);
  f('cpu a\\\\=1 1', ['cpu a\\\\=1 1']); // `\\` is no field-key escape: key `a\\`
  bad('cpu =1', 'missing field key');
  bad('cpu a=1,=2', 'missing field key');
  bad('cpu a', 'invalid field format');
  bad('cpu a=1,b', 'invalid field format');
  bad('cpu a=1,', 'invalid field format');
  bad('cpu a=1, b=2', 'invalid field format');
  bad('cpu a=', 'missing field value');
  bad('cpu a=,b=1', 'missing field value');
  bad('cpu a= 1', 'missing field value');
});

test('floats', () => {
  f('m v=1 1', ['m v=1 1']);
  f('m v=1.5 1', ['m v=1.5 1']);
  f('m v=-1.5 1', ['m v=-1.5 1']);
  f('m v=.5 1', ['m v=0.5 1']);
  f('m v=1. 1', ['m v=1 1']);
  f('m v=-0 1', ['m v=-0 1']);
  f('m v=1e3 1', ['m v=1000 1']);
  f('m v=1E3 1', ['m v=1000 1']);
  f('m v=-1e3 1', ['m v=-1000 1']);
  f('m v=1.5e-3 1', ['m v=0.0015 1']);
  f('m v=1e+10 1', ['m v=10000000000 1']);
  f('m v=1.7976931348623157e308 1', ['m v=1.7976931348623157e+308 1']);
  f('m v=0.1234567890123456789 1', ['m v=0.12345678901234568 1']);
  f('m v=12345678901234567890 1', ['m v=12345678901234567000 1']);
  f('m v=1e-400 1', ['m v=0 1']);
  bad('m v=1e400', 'invalid float');
  bad('m v=1e', 'invalid float');
  bad('m v=1e5e5', 'invalid float');
  bad('m v=-e5', 'invalid float');
  bad('m v=1.1.1', 'invalid number');
  bad('m v=-', 'invalid number');
  bad('m v=.', 'invalid number');
  bad('m v=1-2', 'invalid number');
  bad('m v=1a', 'invalid number');
  bad('m v=NaN', 'invalid number');
  bad('m v=nan', 'invalid number');
  bad('m v=-nan', 'invalid number');
  bad('m v=-Inf', 'invalid number');
  bad('m v=Inf', 'invalid boolean');
  bad('m v=+1.5', 'invalid boolean'); // influxd reads a leading '+' as the start of a boolean
});

test('integers and unsigned', () => {
  f('m v=1i 1', ['m v=1i 1']);
  f('m v=-12i 1', ['m v=-12i 1']);
  f('m v=007i 1', ['m v=7i 1']);
  f('m v=9223372036854775807i 1', ['m v=9223372036854775807i 1']);
  f('m v=-9223372036854775808i 1', ['m v=-9223372036854775808i 1']);
  f('m v=1u 1', ['m v=1u 1']);
  f('m v=18446744073709551615u 1', ['m v=18446744073709551615u 1']);
  bad(
    'm v=9223372036854775808i',
    'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
  );
  bad(
    'm v=-9223372036854775809i',
    'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing "-9223372036854775809": value out of range',
  );
  bad(
    'm v=18446744073709551616u',
    'unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing "18446744073709551616": value out of range',
  );
  bad('m v=-1u', 'unable to parse unsigned -1: strconv.ParseUint: parsing "-1": invalid syntax');
  bad('m v=1.5i', 'invalid number');
  bad('m v=1e3i', 'invalid number');
  bad('m v=1ii', 'invalid number');
  bad('m v=1i2', 'invalid number');
  bad('m v=-i', 'invalid number');
});

test('strings', () => {
  f('m s="hello" 1', ['m s="hello" 1']);
  f('m s="" 1', ['m s="" 1']);
  f('m s="a b c" 1', ['m s="a b c" 1']);
  f('m s="a,b=c" 1', ['m s="a,b=c" 1']);
  f('m s="a\\"b" 1', ['m s="a\\"b" 1']);
  f('m s="a\\\\b" 1', ['m s="a\\\\b" 1']);
  f('m s="a\\\\" 1', ['m s="a\\\\" 1']);
  f('m s="a\\,b\\n" 1', ['m s="a\\\\,b\\\\n" 1']); // other escapes stay literal
  f('m s="line1\nline2" 1\nm v=2 2', ['m s="line1\\nline2" 1', 'm v=2 2']);
  f('m s="日本語 ✓" 1', ['m s="日本語 ✓" 1']);
  f('m s="x",v=1 1', ['m s="x" 1', 'm v=1 1']);
  bad('m s="abc', 'unbalanced quotes');
  bad('m s="abc"d', 'invalid field format');
});

test('booleans', () => {
  for (const t of ['t', 'T', 'true', 'True', 'TRUE']) f(`m b=${t} 1`, ['m b=true 1']);
  for (const v of ['f', 'F', 'false', 'False', 'FALSE']) f(`m b=${v} 1`, ['m b=false 1']);
  for (const v of ['tru', 'truE', 'tRUE', 'falsey', 'x', 'yes', 'FaLsE', 'tt']) bad(`m b=${v}`, 'invalid boolean');
});

test('timestamps and precisions', () => {
  f('m v=1 1700000000123456789', ['m v=1 1700000000123456789']);
  f('m v=1 0', ['m v=1 0']);
  f('m v=1 -1', ['m v=1 -1']);
  f('m v=1 -1000000', ['m v=1 -1000000']);
  f('m v=1 -1000001', ['m v=1 -1000001']);
  f('m v=1 000123', ['m v=1 123']);
  f('m v=1 9223372036854775806', ['m v=1 9223372036854775806']);
  f('m v=1 -9223372036854775806', ['m v=1 -9223372036854775806']);
  f('m v=1 1700000000123456', ['m v=1 1700000000123456000'], 'us');
  f('m v=1 -1', ['m v=1 -1000'], 'us');
  f('m v=1 1700000000123', ['m v=1 1700000000123000000'], 'ms');
  f('m v=1 -1', ['m v=1 -1000000'], 'ms');
  f('m v=1 1700000000', ['m v=1 1700000000000000000'], 's');
  f('m v=1 -1', ['m v=1 -1000000000'], 's');
  f('m v=1 28333333', ['m v=1 1699999980000000000'], 'm');
  f('m v=1 472222', ['m v=1 1699999200000000000'], 'h');
  f('m v=1 -2', ['m v=1 -7200000000000'], 'h');
  f('m v=1 9223372036', ['m v=1 9223372036000000000'], 's');
  f('m v=1 9223372036854775', ['m v=1 9223372036854775000'], 'us');
  f('m v=1 1   ', ['m v=1 1']);
  f('m v=1    1', ['m v=1 1']);
  const range = 'time outside range -9223372036854775806 - 9223372036854775806';
  bad('m v=1 9223372036854775807', range);
  bad('m v=1 -9223372036854775807', range);
  bad('m v=1 -9223372036854775808', range);
  f('m v=1 9223372037', [`line 1: unable to parse 'm v=1 9223372037': ${range}`], 's');
  f('m v=1 9223372036854776', [`line 1: unable to parse 'm v=1 9223372036854776': ${range}`], 'us');
  f('m v=1 153722868', [`line 1: unable to parse 'm v=1 153722868': ${range}`], 'm');
  f('m v=1 2562048', [`line 1: unable to parse 'm v=1 2562048': ${range}`], 'h');
  // int64 bounds in other precisions: within them it is the time range that rejects.
  f('m v=1 9223372036854775807', [`line 1: unable to parse 'm v=1 9223372036854775807': ${range}`], 'us');
  f('m v=1 -9223372036854775808', [`line 1: unable to parse 'm v=1 -9223372036854775808': ${range}`], 's');
  const int64 = (ts: string): string => `line 1: unable to parse 'm v=1 ${ts}': strconv.ParseInt: parsing "${ts}": value out of range`;
  f('m v=1 9223372036854775808', [int64('9223372036854775808')], 'us');
  f('m v=1 -9223372036854775809', [int64('-9223372036854775809')], 's');
  f('m v=1 9223372037000000000', [int64('9223372037000000000')], 'ms');
  bad('m v=1 9223372036855775807', 'strconv.ParseInt: parsing "9223372036855775807": value out of range');
  f('m v=1 00009223372036854775806', ['m v=1 9223372036854775806']); // leading zeros do not count
  bad('m v=1 9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range');
  bad('m v=1 -9223372036854775809', 'strconv.ParseInt: parsing "-9223372036854775809": value out of range');
  bad('m v=1 123456789012345678901', 'strconv.ParseInt: parsing "123456789012345678901": value out of range');
  bad('m v=1 -', 'strconv.ParseInt: parsing "-": invalid syntax');
  bad('m v=1 12a', 'bad timestamp');
  bad('m v=1 1.5', 'bad timestamp');
  bad('m v=1 --1', 'bad timestamp');
  bad('m v=1 1 2', 'point is invalid');
  bad('m v=1 \\', 'bad timestamp'); // influxd's TestParsePoint_TrailingSlash
});

test('lines: blank, comments, CRLF, partial writes, line numbers', () => {
  f('', []);
  f('\n\n  \n', []);
  f('# comment\nm v=1 1\n  # indented comment "with quote\n', ['m v=1 1']);
  f('m v=1 1\r\nm v=2 2\r\n', ['m v=1 1', 'm v=2 2']);
  f('m v=1\r\n', [`m v=1 ${D}`]);
  f('m s="a" 1\r\n\r\nm b=t\r\n', ['m s="a" 1', `m b=true ${D}`]);
  f('m v=1 1\nbad\nm v=3 3\nm v=x 4\n', [
    'm v=1 1',
    'm v=3 3',
    "line 2: unable to parse 'bad': missing fields",
    "line 4: unable to parse 'm v=x 4': invalid boolean",
  ]);
  f('m s="a\nb" 1\nbad', ['m s="a\\nb" 1', "line 3: unable to parse 'bad': missing fields"]);
  // An unbalanced quote swallows the rest of the body, as in influxd.
  f('m v=1 1\nm s="abc 2\nm v=3 3', ['m v=1 1', `line 2: unable to parse 'm s="abc 2\nm v=3 3': unbalanced quotes`]);
  // A trailing backslash escapes the newline in influxd's line splitter.
  f('m v=1\\\nm v=2 2\nm v=3 3', ['m v=3 3', "line 1: unable to parse 'm v=1\\\nm v=2 2': invalid number"]);
});

test('fields: several, mixed, repeated, reordered', () => {
  f('m a=1,b=2i,c="s",d=f 5', ['m a=1 5', 'm b=2i 5', 'm c="s" 5', 'm d=false 5']);
  // The same series with other fields, another order and another type on later lines.
  f('m a=1,b=2 1\nm b=3,a=4 2\nm c=5 3\nm a=6i 4\nm a=7 5', [
    'm a=1 1',
    'm a=4 2',
    'm a=7 5',
    'm b=2 1',
    'm b=3 2',
    'm c=5 3',
    'm a=6i 4',
  ]);
  // Both values are pushed at one timestamp; the engine's last-write-wins keeps the last.
  const { batch } = parse('m a=1,a=2 7');
  const column = batch.series[0]!.fields[0]!.column;
  assert.equal(column.length, 2);
  const unique = column.sortedUnique();
  assert.equal(unique.length, 1);
  assert.deepEqual(unique.valueAt(0), { type: FieldType.Float, value: 2 });
});

test('a bad line writes nothing, not even its series', () => {
  const { batch, result } = parse('m,host=a v=1,w=x 1');
  assert.equal(result.points, 0);
  assert.equal(batch.series.length, 0);
  const again = parse('m,host=a v=1 1\nm,host=a v=1,w=x 2\nm,host=a v=1,z=x 3');
  assert.deepEqual(samples(again.batch), ['m,host=a v=1 1']);
  assert.equal(again.batch.series[0]!.fields.length, 1);
});

test('several bodies into one batch share its series', () => {
  const batch = new WriteBatch();
  const options = { precision: 'ns', defaultTime: 0n } as const;
  assert.deepEqual(parseLineProtocol(Buffer.from('m,h=a v=1 1\n'), options, batch), { points: 1, errors: [] });
  assert.deepEqual(parseLineProtocol(Buffer.from('m,h=a v=2 2\nm,h=b v=3 3'), options, batch), { points: 2, errors: [] });
  assert.deepEqual(samples(batch), ['m,h=a v=1 1', 'm,h=a v=2 2', 'm,h=b v=3 3']);
});

test('the body buffer may be reused after parsing', () => {
  const batch = new WriteBatch();
  const options = { precision: 'ns', defaultTime: 0n } as const;
  const body = Buffer.from('m,h=a vv=1 1');
  parseLineProtocol(body, options, batch);
  body.fill(0x78, 0, body.length); // the caller recycles its buffer
  parseLineProtocol(Buffer.from('m,h=a vv=2 2\nm,h=a vx=3 3'), options, batch);
  assert.deepEqual(samples(batch), ['m,h=a vv=1 1', 'm,h=a vv=2 2', 'm,h=a vx=3 3']);
});

test('what one batch learnt about a series does not leak into the next', () => {
  // The parser remembers series keys and field layouts across batches (known.ts); each batch
  // still gets exactly its own lines.
  f('carry,h=a x=1,y=2 1', ['carry,h=a x=1 1', 'carry,h=a y=2 1']);
  f('carry,h=a y=3,x=4i 2\ncarry,h=a y=5,x=6i 3', ['carry,h=a y=3 2', 'carry,h=a y=5 3', 'carry,h=a x=4i 2', 'carry,h=a x=6i 3']);
  f('carry,h=a x=7,y=8,z=t 4', ['carry,h=a x=7 4', 'carry,h=a y=8 4', 'carry,h=a z=true 4']);
  f('carry,h=a x=9', [`carry,h=a x=9 ${D}`]);
  const { batch, result } = parse('carry,h=a x=1,y=oops 5');
  assert.deepEqual([batch.series.length, result.errors.length], [0, 1]);
  // The same key written with tags in another order is another raw key, but the same series.
  f('carry,h=a,g=b x=1 6\ncarry,g=b,h=a x=2 7', ['carry,g=b,h=a x=1 6', 'carry,g=b,h=a x=2 7']);
});

test('bodies parsed into one batch find the series and columns of earlier ones', () => {
  const batch = new WriteBatch();
  const options = { precision: 'ns', defaultTime: 0n } as const;
  const bodies = ['multi,h=a x=1,y=2 1\nmulti,h=b x=3 1', 'multi,h=b x=4,y=5 2\nmulti,h=c x=6 2', 'multi,h=a y=7,x=8 3\nmulti,h=b x=9 3'];
  for (const body of bodies) assert.equal(parseLineProtocol(Buffer.from(body), options, batch).points, 2);
  assert.deepEqual(samples(batch), [
    'multi,h=a x=1 1',
    'multi,h=a x=8 3',
    'multi,h=a y=2 1',
    'multi,h=a y=7 3',
    'multi,h=b x=3 1',
    'multi,h=b x=4 2',
    'multi,h=b x=9 3',
    'multi,h=b y=5 2',
    'multi,h=c x=6 2',
  ]);
});

test('more series than the parser remembers', () => {
  const body = Array.from({ length: 40_000 }, (_, i) => `many,h=${i} v=${i} ${i}`).join('\n');
  for (let round = 0; round < 2; round++) {
    const { batch, result } = parse(body);
    assert.deepEqual([result.points, result.errors.length, batch.series.length, batch.sampleCount], [40_000, 0, 40_000, 40_000]);
    assert.deepEqual(samples(batch).slice(-1), ['many,h=39999 v=39999 39999']);
  }
});

test('floats are bit-exact against Number()', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const texts: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const r = rand();
    if (r < 0.3) texts.push((rand() * 100).toFixed(Math.floor(rand() * 6)));
    else if (r < 0.5) texts.push(String(rand() * 10 ** Math.floor(rand() * 40 - 20)));
    else if (r < 0.7) texts.push(`${Math.floor(rand() * 1e9)}e${Math.floor(rand() * 60 - 30)}`);
    else if (r < 0.9) texts.push(`-${Math.floor(rand() * 1e15)}.${Math.floor(rand() * 1e6)}`);
    else texts.push(`0.${'0'.repeat(Math.floor(rand() * 10))}${Math.floor(rand() * 1e12)}`);
  }
  const body = texts.map((t, i) => `m v=${t} ${i}`).join('\n');
  const { batch, result } = parse(body);
  assert.deepEqual(result.errors, []);
  const values = batch.series[0]!.fields[0]!.column.values as Float64Array;
  for (let i = 0; i < texts.length; i++) {
    assert.ok(Object.is(values[i], Number(texts[i])), `${texts[i]}: ${values[i]} != ${Number(texts[i])}`);
  }
});

test('long decimals (16 to 19 digits) are bit-exact against Number(), near halfway too', () => {
  let seed = 99;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const digits = (n: number): string => Array.from({ length: n }, (_, i) => Math.floor(rand() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0)).join('');
  const texts: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const r = rand();
    let text: string;
    if (r < 0.4) {
      text = String(rand() * 10 ** Math.floor(rand() * 8 - 2)); // full precision, as printed
    } else if (r < 0.7) {
      const d = digits(16 + Math.floor(rand() * 4));
      const at = 1 + Math.floor(rand() * (d.length - 1));
      text = `${d.slice(0, at)}.${d.slice(at)}`;
    } else {
      // Just below or above halfway between a float64 and the next: the hardest cases.
      text = nearHalfway(rand() * 10 ** Math.floor(rand() * 6), 17 + Math.floor(rand() * 3), rand() < 0.5);
    }
    texts.push(rand() < 0.3 ? `-${text}` : text);
  }
  const { batch, result } = parse(texts.map((t, i) => `long v=${t} ${i}`).join('\n'));
  assert.deepEqual(result.errors, []);
  const values = batch.series[0]!.fields[0]!.column.values as Float64Array;
  for (let i = 0; i < texts.length; i++) {
    assert.ok(Object.is(values[i], Number(texts[i])), `${texts[i]}: ${values[i]} != ${Number(texts[i])}`);
  }
});

/** The midpoint between `x` (0 < x < 2^52) and the next float64, cut to `digits` significant digits, the last one raised if `up`. */
function nearHalfway(x: number, digits: number, up: boolean): string {
  const bits = new BigUint64Array(new Float64Array([x]).buffer)[0]!;
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  // (2m + 1) * 2^(exponent - 1), written as an integer times 10^-k with k = 1 - exponent.
  const k = 1 - exponent;
  const scaled = ((2n * mantissa + 1n) * 5n ** BigInt(k)).toString().padStart(k + 1, '0');
  const exact = `${scaled.slice(0, -k)}.${scaled.slice(-k)}`;
  const first = exact.search(/[1-9]/);
  let end = first;
  for (let n = 0; n < digits && end < exact.length; end++) if (exact[end] !== '.') n++;
  const cut = exact.slice(0, end);
  return up ? cut.slice(0, -1) + String(Math.min(9, Number(cut.slice(-1)) + 1)) : cut;
}
