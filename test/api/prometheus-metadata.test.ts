// The metric metadata remote write senders report: kept per database, persisted, reloaded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../src/core/index.ts';
import { MemFs, readFileIfExists } from '../../src/storage/index.ts';
import { MetadataStore, METADATA_FILE } from '../../src/api/index.ts';

const requests = { metric: 'http_requests', type: 'counter', help: 'Requests served.', unit: '' } as const;
const latency = { metric: 'latency', type: 'histogram', help: 'Request latency.', unit: 'seconds' } as const;

describe('MetadataStore', () => {
  it('keeps the last report per metric and database, and reloads what it saved', async () => {
    const fs = new MemFs();
    const store = await MetadataStore.open('/data', silentLogger, fs);
    store.update('prometheus', [requests, latency]);
    store.update('prometheus', [{ ...requests, help: 'Requests served, by code.' }]);
    store.update('other', [latency]);
    assert.equal(store.metrics('prometheus').get('http_requests')?.help, 'Requests served, by code.');
    assert.deepEqual([...store.metrics('other').keys()], ['latency']);
    assert.equal(store.metrics('nothing').size, 0);
    // Nothing on disk before the delayed write or close.
    assert.equal(await readFileIfExists(fs, `/data/${METADATA_FILE}`), undefined);
    await store.close();

    const reopened = await MetadataStore.open('/data', silentLogger, fs);
    assert.deepEqual(reopened.metrics('prometheus').get('http_requests'), { ...requests, help: 'Requests served, by code.' });
    assert.deepEqual(reopened.metrics('prometheus').get('latency'), latency);
    assert.deepEqual(reopened.metrics('other').get('latency'), latency);
  });

  it('refuses a file it cannot read, naming it', async () => {
    const fs = new MemFs();
    await fs.mkdir('/data');
    const file = await fs.open(`/data/${METADATA_FILE}`, { write: true, create: true, truncate: true });
    await file.write(Buffer.from('{"databases": 3}'), 0);
    await file.close();
    await assert.rejects(MetadataStore.open('/data', silentLogger, fs), /prometheus-metadata.json: expected/);
  });
});
