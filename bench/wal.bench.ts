// WAL benchmarks: durable append latency (real fdatasync through NodeFs, in a temp directory),
// group commit, and the WriteBatch record codec. Prints figures; asserts nothing.
// Run: node --import tsx bench/wal.bench.ts
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FieldType, WriteBatch } from '../src/core/index.ts';
import { NodeFs } from '../src/storage/fs/index.ts';
import { Wal, decodeWriteBatch, encodeWriteBatch } from '../src/storage/wal/index.ts';
import { mulberry32 } from './lib/devops.ts';
import { latencies, msPerCall, withTempDir } from './lib/stats.ts';

const RECORD_BYTES = 50 * 1024;
const SERIAL_APPENDS = 400;
const WRITERS = 4;
const APPENDS_PER_WRITER = 150;

function payloads(n: number, random: () => number): Uint8Array[] {
  return Array.from({ length: n }, () => Uint8Array.from({ length: RECORD_BYTES }, () => (random() * 256) | 0));
}

async function appendLatency(dir: string): Promise<void> {
  const fs = new NodeFs();
  const records = payloads(64, mulberry32(1));

  const serial = await Wal.open(fs, join(dir, 'serial'), { durability: { mode: 'every-write' } });
  const serialLat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < SERIAL_APPENDS; i++) {
    const start = performance.now();
    await serial.append(records[i % records.length]!);
    serialLat.push(performance.now() - start);
  }
  const serialSecs = (performance.now() - t0) / 1000;
  const s = serial.stats();
  await serial.close();
  console.log(`every-write, 1 writer, ${SERIAL_APPENDS} x ${RECORD_BYTES / 1024} KB: ${latencies(serialLat)}  ` +
    `${((s.bytes / serialSecs) / 1e6).toFixed(0)} MB/s  fsyncs/append ${(s.syncs / s.records).toFixed(2)}`);

  const group = await Wal.open(fs, join(dir, 'group'), { durability: { mode: 'every-write' } });
  const groupLat: number[] = [];
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < APPENDS_PER_WRITER; i++) {
        const start = performance.now();
        await group.append(records[(w * 7 + i) % records.length]!);
        groupLat.push(performance.now() - start);
      }
    }),
  );
  const groupSecs = (performance.now() - t1) / 1000;
  const g = group.stats();
  await group.close();
  console.log(`every-write, ${WRITERS} writers, ${WRITERS * APPENDS_PER_WRITER} x ${RECORD_BYTES / 1024} KB: ${latencies(groupLat)}  ` +
    `${((g.bytes / groupSecs) / 1e6).toFixed(0)} MB/s  fsyncs/append ${(g.syncs / g.records).toFixed(2)}  batches ${g.batches}`);

  const os = await Wal.open(fs, join(dir, 'os'), { durability: { mode: 'os-default' } });
  const osLat: number[] = [];
  for (let i = 0; i < SERIAL_APPENDS; i++) {
    const start = performance.now();
    await os.append(records[i % records.length]!);
    osLat.push(performance.now() - start);
  }
  await os.close();
  console.log(`os-default, 1 writer, ${SERIAL_APPENDS} x ${RECORD_BYTES / 1024} KB (no fsync, for comparison): ${latencies(osLat)}`);
}

/** 100 hosts x 10 fields x 50 points, 10 s apart: an Influx-style request of 50,000 samples. */
function devopsBatch(random: () => number): WriteBatch {
  const batch = new WriteBatch();
  for (let h = 0; h < 100; h++) {
    const series = batch.seriesFor('cpu', [{ key: 'host', value: `host_${h}` }, { key: 'region', value: `eu-west-${h % 3}` }, { key: 'rack', value: String(h % 17) }]);
    for (let f = 0; f < 10; f++) {
      const column = series.column(`usage_${f}`, FieldType.Float);
      for (let p = 0; p < 50; p++) column.pushFloat(1_700_000_000_000 + p * 10_000, 0, Math.round(random() * 10_000) / 100);
    }
  }
  return batch;
}

/** 50,000 series of one sample each: a Prometheus remote-write request. */
function promBatch(random: () => number): WriteBatch {
  const batch = new WriteBatch();
  for (let s = 0; s < 50_000; s++) {
    const series = batch.seriesFor(`metric_${s % 200}`, [{ key: 'instance', value: `10.0.${(s >> 8) & 255}.${s & 255}:9100` }, { key: 'job', value: 'node' }]);
    series.column('value', FieldType.Float).pushFloat(1_700_000_000_000 + (s % 15) * 1000, 0, random() * 1e6);
  }
  return batch;
}

function codecThroughput(name: string, batch: WriteBatch): void {
  const samples = batch.sampleCount;
  const bytes = encodeWriteBatch(batch);
  const enc = msPerCall(() => encodeWriteBatch(batch));
  const dec = msPerCall(() => decodeWriteBatch(bytes));
  const mps = (ms: number): string => ((samples / ms) / 1000).toFixed(1);
  console.log(`${name}: ${samples} samples, ${(bytes.length / samples).toFixed(1)} B/sample, ${(bytes.length / 1024).toFixed(0)} KB/record  ` +
    `encode ${mps(enc)} M samples/s (${enc.toFixed(2)} ms)  decode ${mps(dec)} M samples/s (${dec.toFixed(2)} ms)`);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, temp dir under ${tmpdir()}`);
  await withTempDir('rusts-wal-bench-', appendLatency);
  codecThroughput('WriteBatch record, devops (100 series x 10 fields x 50 points)', devopsBatch(mulberry32(2)));
  codecThroughput('WriteBatch record, remote-write (50,000 series x 1 point)', promBatch(mulberry32(3)));
}

await main();
