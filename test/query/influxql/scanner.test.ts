/** The tokenizer: kinds, texts, escapes, durations and positions (1-based line and char, as influxd prints them). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../../src/query/influxql/index.ts';

describe('tokenize(src)', () => {
  /** Renders tokens as `kind:text` (durations and integers as their value), EOF left out. */
  const f = (src: string, want: string) => {
    const got = tokenize(src)
      .filter((t) => t.kind !== 'eof')
      .map((t) => `${t.kind}:${t.kind === 'duration' || t.kind === 'integer' ? String(t.big) : t.text}${t.quoted === true ? '(q)' : ''}`)
      .join(' ');
    assert.equal(got, want, `for ${JSON.stringify(src)}`);
  };
  it('scans identifiers and keywords', () => {
    f('select Value from cpu', 'keyword:SELECT ident:Value keyword:FROM ident:cpu');
    f('SeLeCt _a1', 'keyword:SELECT ident:_a1');
    f('"select" "a b" "x\\"y" "a\\\\b"', 'ident:select(q) ident:a b(q) ident:x"y(q) ident:a\\b(q)');
    f('time now fill tz', 'ident:time ident:now ident:fill ident:tz');
    f('true FALSE', 'keyword:TRUE keyword:FALSE');
  });
  it('scans strings with escapes', () => {
    f("'a' 'it\\'s' 'x\\\\y' 'a\\nb' ''", "string:a string:it's string:x\\y string:a\nb string:");
    f("'a\"b'", 'string:a"b');
  });
  it('scans numbers, integers and durations', () => {
    f('1 42 1.5 .5 0.25', 'integer:1 integer:42 number:1.5 number:.5 number:0.25');
    f('1700000000000000000', 'integer:1700000000000000000');
    f('1ns 5u 5µ 100ms 10s 2m 1h 1d 1w', 'duration:1 duration:5000 duration:5000 duration:100000000 duration:10000000000 duration:120000000000 duration:3600000000000 duration:86400000000000 duration:604800000000000');
    f('1h30m 1m30s 1700000000000ms', 'duration:5400000000000 duration:90000000000 duration:1700000000000000000');
  });
  it('scans operators', () => {
    f('= != <> < <= > >= =~ !~', 'op:= op:!= op:!= op:< op:<= op:> op:>= op:=~ op:!~');
    f('+ - * / % & | ^ ( ) , ; . ::', 'op:+ op:- op:* op:/ op:% op:& op:| op:^ op:( op:) op:, op:; op:. op:::');
    f('a::tag a::field', 'ident:a op::: keyword:TAG ident:a op::: keyword:FIELD');
    f('a.b..c', 'ident:a op:. ident:b op:. op:. ident:c');
  });
  it('scans bound parameters', () => {
    f('$host $__interval $"a b"', 'param:host param:__interval param:a b');
  });
  it('skips comments', () => {
    f('a -- comment\nb', 'ident:a ident:b');
    f('a /* x\ny */ b', 'ident:a ident:b');
    f('a - b', 'ident:a op:- ident:b');
  });
  it('reports positions as influxd does', () => {
    const p = (src: string, i: number, want: string) => {
      const t = tokenize(src)[i]!;
      assert.equal(`${t.pos.line}:${t.pos.char}`, want, `for token ${i} of ${JSON.stringify(src)}`);
    };
    p('SELECT value', 1, '1:8');
    p('SELECT\n  value', 1, '2:3');
    p('SELECT value', 2, '1:14'); // EOF after a bare word: one further on (influxd 1.6.7)
    p('SELECT 1', 2, '1:9');
    p("SELECT 'a'", 1, '1:7'); // influxd: a string is at the char before its quote
    p("SELECT 'a'", 2, '1:11');
    p('a\r\nb', 1, '2:1');
  });
  it('rejects what no token starts with', () => {
    assert.throws(() => tokenize('SELECT #'), /found #, expected identifier, string, number, bool/);
    assert.throws(() => tokenize('10x'), /invalid duration/);
  });
});
