import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../src/core/index.ts';
import { warmUpQueryPath } from '../../src/server/warmup.ts';

describe('warmUpQueryPath', () => {
  it('runs every warm-up request successfully and says so', async () => {
    const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const logger: Logger = {
      info: (message, fields) => lines.push({ level: 'info', message, ...(fields === undefined ? {} : { fields }) }),
      warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields === undefined ? {} : { fields }) }),
      error: (message, fields) => lines.push({ level: 'error', message, ...(fields === undefined ? {} : { fields }) }),
    };
    // It rejects on the first request that does not answer 2xx.
    await warmUpQueryPath(logger);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [['info', 'query path warmed up']],
    );
    assert.ok((lines[0]!.fields?.['requests'] as number) > 200);
  });
});
