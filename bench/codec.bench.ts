/**
 * Block codec benchmark on the devops dataset (bench/lib/devops.ts), 2-decimal and full precision:
 * bytes per sample of each timestamp and value encoding (raw, LZ4, Zstd), of the adaptive block,
 * which encodings the adaptive choice took, and encode/decode speed of whole blocks.
 *
 *   node --import tsx bench/codec.bench.ts [--block 4320] [--runs 7]
 *
 * Prints figures; asserts nothing.
 */
import { ByteWriter, type Column } from '../src/core/index.ts';
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
import { compressInto } from '../src/codec/compress.ts';
import { encodeConst64, isConst64 } from '../src/codec/const64.ts';
import { encodeDecimal, encodeGorilla, halves } from '../src/codec/floats.ts';
import { encodeMillis, isConstInterval } from '../src/codec/timestamps.ts';
import { devopsDataset } from './lib/devops.ts';
import { best, fixed, median, numberArg, timeRuns } from './lib/stats.ts';

const BLOCK = numberArg('block', 4320);
const RUNS = numberArg('runs', 7);
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

/** Adds the bytes of the section in `w` as stored raw, with LZ4 and with Zstd (level 1) to `total`. */
function addSizes(total: number[], w: ByteWriter): void {
  const section = w.finish();
  if (section.length === 0) return;
  total[0]! += section.length;
  total[1]! += compressInto(section, Compression.Lz4).length;
  total[2]! += compressInto(section, Compression.Zstd).length;
}

/** An encoding's name and its bytes/sample raw, with LZ4 and with Zstd. */
function row(name: string, total: number[], samples: number, digits: number): string {
  return `    ${name.padEnd(12)} ${total.map((t) => fixed(t / samples, digits).padStart(8)).join(' ')}`;
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
      addSizes(total, w);
    }
    console.log(`${row(TIMESTAMP_ENCODING_NAMES[enc], total, samples, 4)}   (${applies} of ${chunks.length})`);
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
        ok = isConst64(u32, c.start, c.end);
        if (ok) encodeConst64(w, u32, c.start);
      }
      if (!ok) {
        fallbacks++;
        w.reset();
      }
      if (enc === ValueEncoding.FloatGorilla || !ok) encodeGorilla(w, u32, c.start, c.end);
      addSizes(total, w);
    }
    console.log(`${row(VALUE_ENCODING_NAMES[enc], total, samples, 3)}   ${fallbacks} of ${chunks.length}`);
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
  console.log(`\n  adaptive block: ${fixed(total / samples, 3)} bytes/sample in all (header ${fixed(header / samples, 4)}, payload ${fixed((total - header) / samples, 3)})`);
  console.log(`  chosen: ${[...chosen].map(([k, v]) => `${k} x${v}`).join(', ')}`);
  return blocks;
}

function time(label: string, samples: number, run: () => void): void {
  const rates = timeRuns(RUNS, WARMUPS, run).map((ns) => (samples / ns) * 1e3);
  console.log(`  ${label}: best ${fixed(best(rates), 1)} M samples/s, median ${fixed(median(rates), 1)} (${RUNS} runs after ${WARMUPS} warm-ups)`);
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
