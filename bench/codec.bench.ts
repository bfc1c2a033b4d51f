/**
 * Block codec benchmark on the devops dataset (bench/lib/devops.ts), 2-decimal and full precision:
 * bytes per sample of each timestamp and value encoding (raw, LZ4, Zstd), of the adaptive block,
 * which encodings the adaptive choice took, and encode/decode speed of whole blocks.
 *
 *   node --import tsx bench/codec.bench.ts [--block 4320] [--runs 7]
 *
 * Prints figures; asserts nothing.
 */
import type { Column } from '../src/core/index.ts';
import {
  Compression,
  COMPRESSION_NAMES,
  decodeBlock,
  encodeBlock,
  readBlockHeader,
  TIMESTAMP_ENCODING_NAMES,
  TimestampEncoding,
  VALUE_ENCODING_NAMES,
  ValueEncoding,
} from '../src/codec/index.ts';
import { ByteWriter } from '../src/codec/bytes.ts';
import { compressInto } from '../src/codec/compress.ts';
import { encodeConstFloat, encodeDecimal, encodeGorilla, halves, isConstFloat } from '../src/codec/floats.ts';
import { encodeMillis, isConstInterval } from '../src/codec/timestamps.ts';
import { devopsDataset } from './lib/devops.ts';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const BLOCK = arg('block', 4320);
const RUNS = arg('runs', 7);
const WARMUPS = 2;

interface Chunk {
  readonly column: Column;
  readonly start: number;
  readonly end: number;
}

function chunksOf(columns: readonly Column[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const column of columns) {
    for (let start = 0; start < column.length; start += BLOCK) chunks.push({ column, start, end: Math.min(start + BLOCK, column.length) });
  }
  return chunks;
}

const fmt = (x: number, digits = 3): string => x.toFixed(digits);

/** Bytes of a section as stored raw, with LZ4 and with Zstd (level 1). */
function sizes(section: Uint8Array): [number, number, number] {
  if (section.length === 0) return [0, 0, 0];
  return [section.length, compressInto(section, Compression.Lz4).length, compressInto(section, Compression.Zstd).length];
}

function timestampTable(chunks: Chunk[], samples: number): void {
  console.log('\n  timestamps (ms column; sub column absent), bytes/sample:');
  console.log('    encoding      raw      lz4      zstd1   (blocks where it applies)');
  const w = new ByteWriter();
  for (const enc of [TimestampEncoding.Const, TimestampEncoding.DeltaOfDelta, TimestampEncoding.Gorilla]) {
    const total = [0, 0, 0];
    let applies = 0;
    for (const c of chunks) {
      if (enc === TimestampEncoding.Const && !isConstInterval(c.column.ms, c.start, c.end)) continue;
      applies++;
      w.reset();
      encodeMillis(w, c.column.ms, c.start, c.end, enc);
      const s = sizes(w.buf.subarray(0, w.pos));
      for (let i = 0; i < 3; i++) total[i]! += s[i]!;
    }
    console.log(`    ${TIMESTAMP_ENCODING_NAMES[enc].padEnd(12)} ${total.map((t) => fmt(t / samples, 4).padStart(8)).join(' ')}   (${applies} of ${chunks.length})`);
  }
}

function valueTable(chunks: Chunk[], samples: number): void {
  console.log('\n  values, bytes/sample (decimal and const fall back to gorilla where they do not apply):');
  console.log('    encoding      raw      lz4      zstd1   fallback blocks');
  const w = new ByteWriter();
  for (const enc of [ValueEncoding.FloatGorilla, ValueEncoding.FloatDecimal, ValueEncoding.FloatConst]) {
    const total = [0, 0, 0];
    let fallbacks = 0;
    for (const c of chunks) {
      const values = c.column.values as Float64Array;
      const u32 = halves(values);
      w.reset();
      let ok = true;
      if (enc === ValueEncoding.FloatDecimal) ok = encodeDecimal(w, values, c.start, c.end) >= 0;
      else if (enc === ValueEncoding.FloatConst) {
        ok = isConstFloat(u32, c.start, c.end);
        if (ok) encodeConstFloat(w, u32, c.start);
      }
      if (!ok) {
        fallbacks++;
        w.reset();
      }
      if (enc === ValueEncoding.FloatGorilla || !ok) encodeGorilla(w, u32, c.start, c.end);
      const s = sizes(w.buf.subarray(0, w.pos));
      for (let i = 0; i < 3; i++) total[i]! += s[i]!;
    }
    console.log(`    ${VALUE_ENCODING_NAMES[enc].padEnd(12)} ${total.map((t) => fmt(t / samples).padStart(8)).join(' ')}   ${fallbacks} of ${chunks.length}`);
  }
}

function adaptive(chunks: Chunk[], samples: number): Uint8Array[] {
  const blocks = chunks.map((c) => encodeBlock(c.column, c.start, c.end));
  let total = 0;
  let header = 0;
  const chosen = new Map<string, number>();
  const count = (key: string): void => void chosen.set(key, (chosen.get(key) ?? 0) + 1);
  for (const b of blocks) {
    const h = readBlockHeader(b);
    total += b.length;
    header += b.length - h.storedLength;
    count(`ts=${TIMESTAMP_ENCODING_NAMES[h.timestampEncoding]}`);
    count(`values=${VALUE_ENCODING_NAMES[h.valueEncoding]}`);
    count(`compression=${COMPRESSION_NAMES[h.compression]}`);
  }
  console.log(`\n  adaptive block: ${fmt(total / samples)} bytes/sample in all (header ${fmt(header / samples, 4)}, payload ${fmt((total - header) / samples)})`);
  console.log(`  chosen: ${[...chosen].map(([k, v]) => `${k} x${v}`).join(', ')}`);
  return blocks;
}

function time(label: string, samples: number, run: () => void): void {
  for (let i = 0; i < WARMUPS; i++) run();
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    run();
    const ns = Number(process.hrtime.bigint() - t0);
    rates.push(samples / ns * 1e3);
  }
  rates.sort((a, b) => b - a);
  console.log(`  ${label}: best ${fmt(rates[0]!, 1)} M samples/s, median ${fmt(rates[Math.floor(RUNS / 2)]!, 1)} (${RUNS} runs after ${WARMUPS} warm-ups)`);
}

let sink = 0;

function report(name: string, decimals: number | null): void {
  const data = devopsDataset({ decimals });
  const chunks = chunksOf(data.series.map((s) => s.column));
  const samples = data.samples;
  console.log(`\n== devops ${name}: ${data.series.length} series x ${data.timestamps} points, blocks of up to ${BLOCK} points (${chunks.length} blocks)`);
  timestampTable(chunks, samples);
  valueTable(chunks, samples);
  const blocks = adaptive(chunks, samples);
  console.log('');
  time('encodeBlock', samples, () => {
    for (const c of chunks) sink += encodeBlock(c.column, c.start, c.end).length;
  });
  time('decodeBlock', samples, () => {
    for (const b of blocks) sink += decodeBlock(b).length;
  });
  time('encodeBlock, no compression', samples, () => {
    for (const c of chunks) sink += encodeBlock(c.column, c.start, c.end, { compression: Compression.None }).length;
  });
  const plain = chunks.map((c) => encodeBlock(c.column, c.start, c.end, { compression: Compression.None }));
  time('decodeBlock, no compression', samples, () => {
    for (const b of plain) sink += decodeBlock(b).length;
  });
}

report('2 decimals', 2);
report('full precision', null);
if (sink === 0) console.log('');
