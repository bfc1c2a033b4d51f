/**
 * Mutation fuzz: thousands of deterministic mutations of valid bodies. Whatever the bytes, the
 * parser returns LineErrors and never throws or hangs, and the lines the mutation did not touch
 * are still written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, parse, samples } from './helpers.ts';

const VALID = [
  'cpu,host=server01,region=us-west usage_user=12.5,usage_idle=87.25 1700000000000000000',
  'cpu,host=server02,region=us-west usage_user=1e3,count=42i,total=7u 1700000000000000001',
  'weather\\ station,city=New\\ York,zone=a\\,b temp=-3.5,ok=t,label="sunny, \\"warm\\"" -1',
  'disk,path=/var free=1.5E-3,used=T',
  'mem,host=a\\=b value=0.1 9223372036854775806',
  'proc,host=a cmd="a=b c,d\\\\",n=-12i,flag=FALSE 123',
];

// Bytes that drive the grammar, plus ordinary ones.
const ALPHABET = ' ,="\\\nitTfFuUeE-+.0123456789#\r\t\0aé';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function mutate(line: string, rand: () => number, alphabet: string): string {
  let s = line;
  const n = 1 + Math.floor(rand() * 3);
  for (let m = 0; m < n; m++) {
    const at = Math.floor(rand() * (s.length + 1));
    const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
    const op = rand();
    if (op < 0.33) s = s.slice(0, at) + s.slice(at + 1); // delete
    else if (op < 0.66) s = s.slice(0, at) + ch + s.slice(at); // insert
    else s = s.slice(0, at) + ch + s.slice(at + 1); // replace
  }
  return s;
}

test('mutated bodies only ever yield LineErrors and keep the lines before the damage', () => {
  const rand = rng(7);
  for (let round = 0; round < 4000; round++) {
    const lines = VALID.slice().sort(() => rand() - 0.5);
    const damaged = Math.floor(rand() * lines.length);
    lines[damaged] = mutate(lines[damaged]!, rand, ALPHABET);
    const body = lines.join('\n');
    let got: ReturnType<typeof parse>;
    try {
      got = parse(body);
    } catch (err) {
      assert.fail(`threw on ${JSON.stringify(body)}: ${String(err)}`);
    }
    const physical = body.split('\n').length;
    assert.ok(got.result.points + got.result.errors.length <= physical);
    for (const e of got.result.errors) {
      assert.ok(e.line >= 1 && e.line <= physical, JSON.stringify(body));
      assert.match(e.message, /^unable to parse '/s);
    }
    const kept = new Set(samples(got.batch));
    for (const s of samples(parse(lines.slice(0, damaged).join('\n')).batch)) {
      assert.ok(kept.has(s), `lost ${s} in ${JSON.stringify(body)}`);
    }
  }
});

test('without quotes, backslashes or newlines, a damaged line never affects another', () => {
  const rand = rng(11);
  const plain = VALID.filter((l) => !l.includes('"') && !l.includes('\\'));
  const alphabet = ALPHABET.replace(/["\\\n]/g, '');
  for (let round = 0; round < 3000; round++) {
    const lines = plain.slice().sort(() => rand() - 0.5);
    const damaged = Math.floor(rand() * lines.length);
    lines[damaged] = mutate(lines[damaged]!, rand, alphabet);
    const whole = describe(lines.join('\n'));
    const each = lines.flatMap((l, i) =>
      describe(l).map((s) => (s.startsWith('line 1: ') ? `line ${i + 1}: ${s.slice(8)}` : s)),
    );
    assert.deepEqual(whole.slice().sort(), each.slice().sort(), JSON.stringify(lines));
  }
});

test('random bytes never throw', () => {
  const rand = rng(3);
  for (let round = 0; round < 2000; round++) {
    const n = Math.floor(rand() * 200);
    const buf = Buffer.alloc(n);
    for (let i = 0; i < n; i++) buf[i] = rand() < 0.5 ? ALPHABET.charCodeAt(Math.floor(rand() * ALPHABET.length)) & 0xff : Math.floor(rand() * 256);
    assert.doesNotThrow(() => parse(buf));
  }
});
