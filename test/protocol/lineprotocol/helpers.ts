import { FieldType, WriteBatch } from '../../../src/core/index.ts';
import { parseLineProtocol, type ParseResult, type Precision } from '../../../src/protocol/lineprotocol/index.ts';

export const DEFAULT_TIME = 1_700_000_000_123_456_789n;

/** Parses `body` into a fresh batch. */
export function parse(body: string | Buffer, precision: Precision = 'ns'): { batch: WriteBatch; result: ParseResult } {
  const batch = new WriteBatch();
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const result = parseLineProtocol(buf, { precision, defaultTime: DEFAULT_TIME }, batch);
  return { batch, result };
}

/** Every sample of a batch as `<series key> <field>=<value> <ns>`, in batch order. */
export function samples(batch: WriteBatch): string[] {
  const out: string[] = [];
  for (const s of batch.series) {
    for (const f of s.fields) {
      for (let i = 0; i < f.column.length; i++) {
        out.push(`${s.key} ${f.name}=${render(f.column.valueAt(i))} ${f.column.timestampAt(i)}`);
      }
    }
  }
  return out;
}

function render(v: ReturnType<import('../../../src/core/index.ts').Column['valueAt']>): string {
  switch (v.type) {
    case FieldType.Float:
      return Object.is(v.value, -0) ? '-0' : String(v.value);
    case FieldType.Integer:
      return `${v.value}i`;
    case FieldType.Unsigned:
      return `${v.value}u`;
    case FieldType.String:
      return JSON.stringify(v.value);
    case FieldType.Boolean:
      return String(v.value);
  }
}

/** Samples, then `line N: message` for each error. */
export function describe(body: string | Buffer, precision: Precision = 'ns'): string[] {
  const { batch, result } = parse(body, precision);
  return [...samples(batch), ...result.errors.map((e) => `line ${e.line}: ${e.message}`)];
}
