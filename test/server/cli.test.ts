import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, UsageError, type Command } from '../../src/server/index.ts';

describe('parseCommandLine(argv)', () => {
  const f = (argv: string[], want: Command) => assert.deepEqual(parseCommandLine(argv), want, `for ${JSON.stringify(argv)}`);
  const bad = (argv: string[], message: string) =>
    assert.throws(() => parseCommandLine(argv), (err: unknown) => err instanceof UsageError && err.message === message, `for ${JSON.stringify(argv)}`);

  it('reads help and version', () => {
    f(['--help'], { kind: 'help' });
    f(['-h'], { kind: 'help' });
    f(['serve', '--help'], { kind: 'help' });
    f(['--version'], { kind: 'version' });
  });

  it('reads serve and its flags, with or without "="', () => {
    f(['serve'], { kind: 'serve', overrides: {} });
    f(['serve', '--bind', ':9000', '--data-dir', '/d', '--config', 'c.toml'], { kind: 'serve', overrides: { bind: ':9000', dataDir: '/d', configFile: 'c.toml' } });
    f(['serve', '--bind=127.0.0.1:1', '--data-dir=a=b'], { kind: 'serve', overrides: { bind: '127.0.0.1:1', dataDir: 'a=b' } });
    f(['serve', '--data-dir='], { kind: 'serve', overrides: { dataDir: '' } });
  });

  it('rejects what it does not know', () => {
    bad([], 'missing command');
    bad(['start'], 'unknown command "start"');
    bad(['--bind', 'x', 'serve'], 'unknown flag "--bind"');
    bad(['serve', '--port', '1'], 'unknown flag "--port" for "rusts serve"');
    bad(['serve', '--port=1'], 'unknown flag "--port" for "rusts serve"');
    bad(['serve', '-b'], 'unknown flag "-b" for "rusts serve"');
    bad(['serve', 'now'], 'unexpected argument "now" for "rusts serve"');
    bad(['serve', '--bind'], 'flag --bind needs a value');
    bad(['serve', '--bind', '--data-dir', 'd'], 'flag --bind needs a value');
    bad(['serve', '--bind', 'a:1', '--bind=b:2'], 'flag --bind given more than once');
  });
});
