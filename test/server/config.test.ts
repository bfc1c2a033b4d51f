import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, parseBind, parseDuration, parseSize, type ConfigOverrides } from '../../src/server/index.ts';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/storage/index.ts';
import { DEFAULT_PROMETHEUS_CONFIG } from '../../src/api/index.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rusts-config-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function configFile(text: string): string {
  const path = join(dir, `c${fileCount++}.toml`);
  writeFileSync(path, text);
  return path;
}

function load(overrides: ConfigOverrides = {}, env: Record<string, string> = {}) {
  return loadConfig(overrides, env, dir);
}

describe('loadConfig(overrides, env, cwd)', () => {
  it('uses the defaults when nothing is given', () => {
    const config = load();
    assert.deepEqual(config.bind, { host: '127.0.0.1', port: 8086 });
    assert.equal(config.dataDir, join(dir, 'data'));
    assert.deepEqual(config.storage, DEFAULT_ENGINE_OPTIONS);
    assert.equal(config.configFile, null);
  });

  it('lets the file override the defaults', () => {
    const config = load({ configFile: configFile('bind = "0.0.0.0:9000"\ndata_dir = "/var/lib/rusts"\n') });
    assert.deepEqual(config.bind, { host: '0.0.0.0', port: 9000 });
    assert.equal(config.dataDir, '/var/lib/rusts');
  });

  it('lets the environment override the file', () => {
    const file = configFile('bind = "0.0.0.0:9000"\ndata_dir = "/from/file"\n');
    const config = load({ configFile: file }, { RUSTS_BIND: '127.0.0.2:9001', RUSTS_DATA_DIR: '/from/env' });
    assert.deepEqual(config.bind, { host: '127.0.0.2', port: 9001 });
    assert.equal(config.dataDir, '/from/env');
  });

  it('lets flags override the environment', () => {
    const file = configFile('bind = "0.0.0.0:9000"\ndata_dir = "/from/file"\n');
    const env = { RUSTS_BIND: '127.0.0.2:9001', RUSTS_DATA_DIR: '/from/env' };
    const config = load({ configFile: file, bind: '127.0.0.3:9002', dataDir: '/from/flag' }, env);
    assert.deepEqual(config.bind, { host: '127.0.0.3', port: 9002 });
    assert.equal(config.dataDir, '/from/flag');
  });

  it('overrides each setting on its own', () => {
    const file = configFile('bind = "0.0.0.0:9000"\ndata_dir = "/from/file"\n');
    const config = load({ configFile: file, dataDir: '/from/flag' }, { RUSTS_BIND: '127.0.0.2:9001' });
    assert.deepEqual(config.bind, { host: '127.0.0.2', port: 9001 });
    assert.equal(config.dataDir, '/from/flag');
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(load({}, { RUSTS_DATA_DIR: '', RUSTS_BIND: '' }).dataDir, join(dir, 'data'));
  });

  it('resolves a relative data_dir and config path against cwd', () => {
    writeFileSync(join(dir, 'rel.toml'), 'data_dir = "some/where"\n');
    assert.equal(load({ configFile: 'rel.toml' }).dataDir, join(dir, 'some/where'));
  });

  it('reads every [storage] key', () => {
    const config = load({
      configFile: configFile(`
[storage]
wal_durability = "periodic"
wal_sync_interval = "250ms"
wal_segment_size = "32MiB"
partition_duration = "2h"
memtable_max_size = 1048576
memtable_max_points = 1_000_000
memtable_max_age = "1m30s"
max_points_per_block = 1000
compaction_min_segments = 8
block_cache_size = "8MiB"
`),
    });
    assert.deepEqual(config.storage, {
      walDurability: { mode: 'periodic', intervalMs: 250 },
      walSegmentBytes: 32 * 2 ** 20,
      partitionDurationMs: 2 * 3_600_000,
      memtableMaxBytes: 1_048_576,
      memtableMaxPoints: 1_000_000,
      memtableMaxAgeMs: 90_000,
      maxPointsPerBlock: 1000,
      compactionMinSegments: 8,
      blockCacheBytes: 8 * 2 ** 20,
    });
  });

  it('reads [storage] shards and the [ingest] keys, with their defaults', () => {
    const defaults = load();
    assert.equal(defaults.shards, 1);
    assert.ok(defaults.parseWorkers >= 1 && defaults.parseWorkers <= 4);
    assert.equal(defaults.autoCreateDatabases, true);
    const config = load({ configFile: configFile('[storage]\nshards = 4\n[ingest]\nparse_workers = 0\nauto_create_databases = false\n') });
    assert.deepEqual([config.shards, config.parseWorkers, config.autoCreateDatabases, config.storage], [4, 0, false, DEFAULT_ENGINE_OPTIONS]);
  });

  it('keeps the defaults of the [storage] keys the file leaves out', () => {
    const config = load({ configFile: configFile('[storage]\nmemtable_max_points = 5\n') });
    assert.deepEqual(config.storage, { ...DEFAULT_ENGINE_OPTIONS, memtableMaxPoints: 5 });
  });

  it('gives periodic durability a 100ms interval by default', () => {
    const f = (mode: string, want: unknown) => {
      const config = load({ configFile: configFile(`[storage]\nwal_durability = "${mode}"\n`) });
      assert.deepEqual(config.storage.walDurability, want, `for ${mode}`);
    };
    f('periodic', { mode: 'periodic', intervalMs: 100 });
    f('every-write', { mode: 'every-write' });
    f('os-default', { mode: 'os-default' });
    f('none', { mode: 'none' });
  });

  it('reads [prometheus]', () => {
    const config = load({ configFile: configFile('[prometheus]\ndatabase = "metrics"\nmax_label_size = "1KiB"\nremote_read_sample_limit = 1_000\n') });
    assert.deepEqual(config.prometheus, { ...DEFAULT_PROMETHEUS_CONFIG, database: 'metrics', maxLabelBytes: 1024, readSampleLimit: 1000 });
  });

  it('accepts examples/rusts.toml', () => {
    const config = loadConfig({ configFile: resolve('examples/rusts.toml') }, {}, dir);
    assert.deepEqual(config.prometheus, DEFAULT_PROMETHEUS_CONFIG);
    assert.deepEqual(config.bind, { host: '127.0.0.1', port: 8086 });
    assert.equal(config.dataDir, join(dir, 'data'));
    assert.deepEqual(config.storage, { ...DEFAULT_ENGINE_OPTIONS, walDurability: { mode: 'every-write' } });
  });
});

describe('loadConfig() errors', () => {
  // Each case: the file's text, and fragments the one-line error must contain besides the file name.
  const f = (text: string, ...want: string[]) => {
    const file = configFile(text);
    assert.throws(
      () => load({ configFile: file }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `for ${JSON.stringify(text)} got ${String(err)}`);
        for (const part of [`"${file}"`, ...want]) {
          assert.ok(err.message.includes(part), `for ${JSON.stringify(text)}: ${JSON.stringify(err.message)} does not include ${JSON.stringify(part)}`);
        }
        return true;
      },
    );
  };

  it('names an unknown key', () => {
    f('bnd = "x"\n', 'unknown key "bnd"', 'bind, data_dir, storage');
    f('[cluster]\nnodes = 3\n', 'unknown key "cluster"');
    f('[storage]\nwal_sync = "1s"\n', 'unknown key "storage.wal_sync"', 'wal_sync_interval');
  });

  it('names a value of the wrong type', () => {
    f('bind = 8086\n', 'bind:', 'expected a string', 'integer 8086');
    f('data_dir = true\n', 'data_dir:', 'boolean true');
    f('storage = "fast"\n', 'storage:', 'expected a table');
    f('[storage]\nmemtable_max_points = "8M"\n', 'storage.memtable_max_points:', 'expected an integer', '"8M"');
    f('[storage]\nmax_points_per_block = 1.5\n', 'storage.max_points_per_block:', 'float 1.5');
    f('[storage]\npartition_duration = 86400\n', 'storage.partition_duration:', 'expected a string', 'integer 86400');
    f('[storage]\nwal_segment_size = [1]\n', 'storage.wal_segment_size:', 'an array');
  });

  it('names a bad bind address', () => {
    f('bind = "localhost"\n', 'bind:', 'cannot parse address "localhost"');
    f('bind = "127.0.0.1:65536"\n', 'bind:', 'out of range');
    f('bind = "::1:8086"\n', 'bind:', 'cannot parse address');
    f('bind = "127.0.0.1:http"\n', 'bind:', 'cannot parse address');
  });

  it('names a bad data_dir', () => {
    f('data_dir = ""\n', 'data_dir:', 'must not be empty');
  });

  it('names a bad wal_durability', () => {
    f('[storage]\nwal_durability = "always"\n', 'storage.wal_durability:', '"every-write", "periodic", "os-default", "none"', '"always"');
    f('[storage]\nwal_durability = "EveryWrite"\n', 'storage.wal_durability:');
  });

  it('rejects wal_sync_interval without periodic durability', () => {
    f('[storage]\nwal_sync_interval = "1s"\n', 'storage.wal_sync_interval:', 'periodic', '"every-write"');
    f('[storage]\nwal_durability = "none"\nwal_sync_interval = "1s"\n', 'storage.wal_sync_interval:', '"none"');
  });

  it('names a bad duration', () => {
    for (const bad of ['10', '10 s', '1.5h', '5x', '1m1h', '1h1h', '-1s', '', 's', '10S']) {
      f(`[storage]\nmemtable_max_age = "${bad}"\n`, 'storage.memtable_max_age:', `"${bad}"`);
    }
    f('[storage]\npartition_duration = "0s"\n', 'storage.partition_duration:', 'at least 1ms');
    f('[storage]\nwal_durability = "periodic"\nwal_sync_interval = "0ms"\n', 'storage.wal_sync_interval:', 'at least 1ms');
  });

  it('names a bad size', () => {
    for (const bad of ['64', '64 MiB', '1.5GiB', '-1MiB', '64mib', '64Mi', 'MiB', '']) {
      f(`[storage]\nwal_segment_size = "${bad}"\n`, 'storage.wal_segment_size:', `"${bad}"`);
    }
    f('[storage]\nmemtable_max_size = "256MB"\n', 'storage.memtable_max_size:', '"256MB"', '"256MiB"');
    f('[storage]\nmemtable_max_size = 0\n', 'storage.memtable_max_size:', 'at least 1 byte');
    f('[storage]\nmemtable_max_size = -5\n', 'storage.memtable_max_size:', 'at least 1 byte');
    f('[storage]\nmemtable_max_size = "0B"\n', 'storage.memtable_max_size:', 'at least 1 byte');
  });

  it('names a count out of range', () => {
    f('[storage]\nmemtable_max_points = 0\n', 'storage.memtable_max_points:', 'at least 1');
    f('[storage]\nmax_points_per_block = -1\n', 'storage.max_points_per_block:', 'at least 1');
    f('[storage]\ncompaction_min_segments = 1\n', 'storage.compaction_min_segments:', 'at least 2');
    f('[storage]\nmax_points_per_block = 2_000_000\n', 'storage.max_points_per_block:', 'at most 1048576');
    f('[storage]\nshards = 0\n', 'storage.shards:', 'at least 1');
    f('[storage]\nshards = 300\n', 'storage.shards:', 'at most 256');
    f('[ingest]\nparse_workers = -1\n', 'ingest.parse_workers:', 'at least 0');
    f('[ingest]\nworkers = 2\n', 'unknown key "ingest.workers"', 'parse_workers, auto_create_databases');
    f('[ingest]\nauto_create_databases = "yes"\n', 'ingest.auto_create_databases:');
  });

  it('names a bad [prometheus] value', () => {
    f('[prometheus]\ndatabase = ""\n', 'prometheus.database:', 'it is empty');
    f('[prometheus]\ndatabase = 3\n', 'prometheus.database:', 'expected a string');
    f('[prometheus]\nmax_labels_per_series = 0\n', 'prometheus.max_labels_per_series:', 'at least 1');
    f('[prometheus]\nmax_label_size = "16KB"\n', 'prometheus.max_label_size:');
    f('[prometheus]\nlabels = 3\n', 'unknown key "prometheus.labels"', 'database, max_labels_per_series');
  });

  it('names the line of a TOML syntax error', () => {
    f('bind = "127.0.0.1:8086"\n[storage\n', 'line 2');
    f('bind = "a"\nbind = "b"\n', 'line 2');
  });

  it('names a missing config file', () => {
    const missing = join(dir, 'nope.toml');
    assert.throws(() => load({ configFile: missing }), { name: 'ConfigError', message: `Cannot read config file "${missing}": no such file` });
  });

  it('names a bad environment variable', () => {
    assert.throws(() => load({}, { RUSTS_BIND: 'nope' }), (err: unknown) => err instanceof ConfigError && err.message.startsWith('Invalid environment variable RUSTS_BIND: cannot parse address "nope"'));
  });

  it('names a bad flag', () => {
    assert.throws(() => load({ bind: '1.2.3.4' }), (err: unknown) => err instanceof ConfigError && err.message.startsWith('Invalid flag --bind: cannot parse address "1.2.3.4"'));
    assert.throws(() => load({ dataDir: '' }), (err: unknown) => err instanceof ConfigError && err.message === 'Invalid flag --data-dir: must not be empty');
  });
});

describe('parseDuration(text)', () => {
  const f = (text: string, want: number) => assert.equal(parseDuration(text), want, `for "${text}"`);
  it('reads every unit and combinations of them', () => {
    f('100ms', 100);
    f('10s', 10_000);
    f('5m', 300_000);
    f('2h', 7_200_000);
    f('1d', 86_400_000);
    f('1w', 604_800_000);
    f('1h30m', 5_400_000);
    f('1d2h3m4s5ms', 93_784_005);
    f('0s', 0);
  });
  it('rejects a duration too long to count in milliseconds', () => {
    assert.throws(() => parseDuration('99999999999999w'), RangeError);
  });
});

describe('parseSize(text)', () => {
  const f = (text: string, want: number) => assert.equal(parseSize(text), want, `for "${text}"`);
  it('reads every unit', () => {
    f('512B', 512);
    f('4KiB', 4096);
    f('64MiB', 64 * 2 ** 20);
    f('2GiB', 2 * 2 ** 30);
    f('1TiB', 2 ** 40);
  });
  it('rejects a size too large to count exactly', () => {
    assert.throws(() => parseSize('99999999TiB'), RangeError);
  });
});

describe('parseBind(text)', () => {
  const f = (text: string, host: string, port: number) => assert.deepEqual(parseBind(text), { host, port }, `for "${text}"`);
  it('reads IPv4, IPv6, names and every-interface addresses', () => {
    f('127.0.0.1:8086', '127.0.0.1', 8086);
    f('[::1]:8086', '::1', 8086);
    f('localhost:0', 'localhost', 0);
    f(':8086', '', 8086);
    f('0.0.0.0:65535', '0.0.0.0', 65535);
  });
});
