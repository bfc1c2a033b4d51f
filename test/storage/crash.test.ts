import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatValue, silentLogger } from '../../src/core/index.ts';
import { NodeFs, StorageEngine } from '../../src/storage/index.ts';

const WRITER = new URL('./fixtures/crash-writer.ts', import.meta.url).pathname;
const RUNS = 6;
const POINTS_PER_WRITE = 50;

/** Runs the writer until it has acknowledged a while, SIGKILLs it, and returns the last acknowledged seq per writer. */
function runAndKill(dataDir: string, run: number, killAfterMs: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m) acked.set(Number(m[1]), Number(m[2]));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal} before the kill: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  it('finds every acknowledged point after SIGKILL at random moments', { timeout: 120_000 }, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rusts-crash-'));
    try {
      const expected = new Map<string, number>(); // series key -> points acknowledged
      for (let run = 0; run < RUNS; run++) {
        const acked = await runAndKill(dataDir, run, 300 + Math.floor(Math.random() * 900));
        assert.ok(acked.size > 0, `run ${run}: the writer acknowledged something before it was killed`);
        for (const [w, seq] of acked) expected.set(`crash,run=${run},writer=${w}`, (seq + 1) * POINTS_PER_WRITE);
        t.diagnostic(`run ${run}: killed after ${[...acked.values()].reduce((n, seq) => n + (seq + 1) * POINTS_PER_WRITE, 0)} acknowledged points`);

        const engine = await StorageEngine.open({ dataDir, partitionDurationMs: 3_600_000 }, { logger: silentLogger });
        try {
          const found = new Map<string, { count: number; contiguous: boolean }>();
          for await (const s of engine.select({ matchers: [{ name: '__name__', op: '=', value: 'crash' }] })) {
            const column = s.fields[0]!.column;
            const values = column.values as Float64Array;
            let contiguous = true;
            for (let i = 0; i < column.length; i++) if (values[i] !== i) contiguous = false;
            found.set(s.key, { count: column.length, contiguous });
          }
          for (const [key, count] of expected) {
            const got = found.get(key);
            assert.ok(got, `run ${run}: series ${key} is missing`);
            // Writes in flight at the kill may also have landed: never fewer than acknowledged.
            assert.ok(got.count >= count, `run ${run}: ${key} has ${got.count} points, ${count} were acknowledged`);
            assert.ok(got.contiguous, `run ${run}: ${key} has a gap or a wrong value`);
          }
        } finally {
          await engine.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const damages: Array<[string, (walFile: string) => void]> = [
    ['torn last record', (f) => truncateSync(f, statSync(f).size - 7)],
    ['garbage appended', (f) => appendFileSync(f, Buffer.from('not a wal record at all, just bytes'))],
    ['zeroed tail', (f) => appendFileSync(f, Buffer.alloc(4096))],
  ];
  for (const [name, damage] of damages) {
    it(`starts cleanly over a WAL with a ${name}, keeping every whole record`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'rusts-waltail-'));
      try {
        const writer = await StorageEngine.open({ dataDir }, { logger: silentLogger });
        for (let i = 0; i < 10; i++) {
          await writer.writePoints([{ measurement: 'm', tags: [], fields: [{ key: 'v', value: floatValue(i) }], timestamp: 1_764_028_800_000_000_000n + BigInt(i) }]);
        }
        // The writer is abandoned, not closed, as a killed process would be: its points are only in the WAL.
        const walDir = join(dataDir, 'wal');
        const segments = readdirSync(walDir).filter((f) => statSync(join(walDir, f)).size > 64);
        assert.equal(segments.length, 1);
        damage(join(walDir, segments[0]!));

        // A file system object of its own stands for the next process: the abandoned writer still holds the lock here.
        await assert.rejects(StorageEngine.open({ dataDir }, { logger: silentLogger }), { code: 'data_dir_locked' });
        const engine = await StorageEngine.open({ dataDir }, { logger: silentLogger, fs: new NodeFs() });
        let count = 0;
        for await (const s of engine.select({ matchers: [{ name: '__name__', op: '=', value: 'm' }] })) count = s.fields[0]!.column.length;
        const replay = (await engine.stats()).walReplay!;
        assert.equal(count, name === 'torn last record' ? 9 : 10);
        assert.equal(replay.corruptions.length, 1, 'the damage is reported');
        await engine.writePoints([{ measurement: 'm', tags: [], fields: [{ key: 'v', value: floatValue(99) }], timestamp: 1_764_028_900_000_000_000n }]);
        await engine.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
