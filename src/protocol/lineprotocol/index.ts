/** InfluxDB line protocol: the parser that turns /write bodies into a WriteBatch. */
export { parseLineProtocol, type LineError, type ParseOptions, type ParseResult } from './parse.ts';
export type { Precision } from './timestamp.ts';
export { withoutTimeKeys, type TimeKeysDropped } from './timeKeys.ts';
