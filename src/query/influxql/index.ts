/**
 * InfluxQL: the parser (`parseInfluxQL`: text and bound parameters into statements) and the
 * compiler (`compileSelect`: a SELECT into the executor's LogicalQuery). The influx adapter
 * executes the other statements itself from their syntax trees.
 *
 * Parse errors are `InfluxQLParseError`s with influxd 1.6.7's wording and positions; what the
 * LogicalQuery cannot express yet is a `QueryError` that says "not supported yet: ...".
 */
export type * from './ast.ts';
export { parseInfluxQL } from './statements.ts';
export type { Params } from './parser.ts';
export { compileSelect, type CompileOptions } from './compile.ts';
export { seriesScope, unanchored } from './where.ts';
export { namedDatabase } from './sources.ts';
export { InfluxQLParseError } from './errors.ts';
export { changesState, readOnlyWarning, statementText } from './format.ts';
export { tokenize, KEYWORDS, type Token, type TokenKind, type Pos } from './scanner.ts';
