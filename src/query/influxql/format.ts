/**
 * Statements back to InfluxQL text, as influxd prints them: identifiers quoted only when they must
 * be, durations in InfluxQL units (Go's form where influxd uses it), passwords redacted. influxd
 * quotes a statement's text in the warning it adds when a GET request changes something.
 */
import { formatGoDuration } from '../../core/index.ts';
import type { Expr, KeyFilter, Limits, Privilege, RetentionSettings, SelectStatement, Source, Statement } from './ast.ts';
import { KEYWORDS } from './scanner.ts';

/**
 * Whether a statement only reads. influxd still runs the others when a GET request carries them,
 * with a deprecation warning; DELETE is not among them in influxd 1.6, and KILL QUERY has no
 * effect here.
 */
export function changesState(stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'select':
      return stmt.into !== undefined;
    case 'createDatabase':
    case 'dropDatabase':
    case 'createRetentionPolicy':
    case 'alterRetentionPolicy':
    case 'dropRetentionPolicy':
    case 'dropMeasurement':
    case 'dropSeries':
    case 'dropShard':
    case 'dropContinuousQuery':
    case 'createUser':
    case 'dropUser':
    case 'setPassword':
    case 'grant':
    case 'revoke':
      return true;
    default:
      return false;
  }
}

/** InfluxDB's warning for a statement that changes state, sent by GET. */
export function readOnlyWarning(stmt: Statement): string {
  return `deprecated use of '${statementText(stmt)}' in a read only context, please use a POST request instead`;
}

/**
 * The text of a statement as influxd prints it in warnings and authorization errors, for SELECT,
 * the statements that change state and the user statements.
 */
export function statementText(stmt: Statement): string {
  switch (stmt.kind) {
    case 'showUsers':
      return 'SHOW USERS';
    case 'showGrants':
      return `SHOW GRANTS FOR ${quoteIdent(stmt.user)}`;
    case 'createDatabase':
      return `CREATE DATABASE ${quoteIdent(stmt.name)}${stmt.retention === undefined ? '' : ` WITH${databaseRetention(stmt.retention)}`}`;
    case 'dropDatabase':
      return `DROP DATABASE ${quoteIdent(stmt.name)}`;
    case 'createRetentionPolicy': {
      const s = stmt.settings;
      let text = `CREATE RETENTION POLICY ${quoteIdent(stmt.name)} ON ${quoteIdent(stmt.database)} DURATION ${formatDuration(s.duration ?? 0n)} REPLICATION ${s.replication ?? 1}`;
      if (s.shardDuration !== undefined && s.shardDuration > 0n) text += ` SHARD DURATION ${formatDuration(s.shardDuration)}`;
      return s.isDefault === true ? `${text} DEFAULT` : text;
    }
    case 'alterRetentionPolicy': {
      const s = stmt.settings;
      let text = `ALTER RETENTION POLICY ${quoteIdent(stmt.name)} ON ${quoteIdent(stmt.database)}`;
      if (s.duration !== undefined) text += ` DURATION ${formatDuration(s.duration)}`;
      if (s.replication !== undefined) text += ` REPLICATION ${s.replication}`;
      if (s.shardDuration !== undefined) text += ` SHARD DURATION ${formatDuration(s.shardDuration)}`;
      return s.isDefault === true ? `${text} DEFAULT` : text;
    }
    case 'dropRetentionPolicy':
      return `DROP RETENTION POLICY ${quoteIdent(stmt.name)} ON ${quoteIdent(stmt.database)}`;
    case 'dropMeasurement':
      return `DROP MEASUREMENT ${quoteIdent(stmt.name)}`;
    case 'dropSeries':
    case 'delete': {
      let text = stmt.kind === 'delete' ? 'DELETE' : 'DROP SERIES';
      if (stmt.sources.length > 0) text += ` FROM ${stmt.sources.map(sourceText).join(', ')}`;
      return stmt.condition === undefined ? text : `${text} WHERE ${exprText(stmt.condition)}`;
    }
    case 'dropShard':
      return `DROP SHARD ${stmt.id}`;
    case 'dropContinuousQuery':
      return `DROP CONTINUOUS QUERY ${quoteIdent(stmt.name)} ON ${quoteIdent(stmt.database)}`;
    case 'createUser':
      return `CREATE USER ${quoteIdent(stmt.name)} WITH PASSWORD [REDACTED]${stmt.admin ? ' WITH ALL PRIVILEGES' : ''}`;
    case 'dropUser':
      return `DROP USER ${quoteIdent(stmt.name)}`;
    case 'setPassword':
      return `SET PASSWORD FOR ${quoteIdent(stmt.user)} = [REDACTED]`;
    case 'grant':
      return `GRANT ${privilegeText(stmt.privilege)}${stmt.database === undefined ? '' : ` ON ${quoteIdent(stmt.database)}`} TO ${quoteIdent(stmt.user)}`;
    case 'revoke':
      return `REVOKE ${privilegeText(stmt.privilege)}${stmt.database === undefined ? '' : ` ON ${quoteIdent(stmt.database)}`} FROM ${quoteIdent(stmt.user)}`;
    case 'select':
      return selectText(stmt);
    case 'explain':
      return `EXPLAIN ${stmt.analyze ? 'ANALYZE ' : ''}${selectText(stmt.statement)}`;
    case 'killQuery':
      return `KILL QUERY ${stmt.id}${stmt.host === undefined ? '' : ` ON ${quoteIdent(stmt.host)}`}`;
    default:
      return showText(stmt);
  }
}

type ShowStatement = Exclude<Statement, { kind: 'select' | 'explain' | 'killQuery' }>;

/** The SHOW statements: `SHOW <what>[ ON db][ FROM ...][ WITH ...][ WHERE ...][ GROUP BY ...] <limits>`. */
function showText(stmt: ShowStatement): string {
  const on = (database: string | undefined) => (database === undefined ? '' : ` ON ${quoteIdent(database)}`);
  const from = (sources: readonly Source[]) => (sources.length === 0 ? '' : ` FROM ${sources.map(sourceText).join(', ')}`);
  const where = (condition: Expr | undefined) => (condition === undefined ? '' : ` WHERE ${exprText(condition)}`);
  const limits = (l: Limits, series = false) =>
    (l.limit > 0 ? ` LIMIT ${l.limit}` : '') + (l.offset > 0 ? ` OFFSET ${l.offset}` : '') + (series && l.slimit > 0 ? ` SLIMIT ${l.slimit}` : '') + (series && l.soffset > 0 ? ` SOFFSET ${l.soffset}` : '');
  switch (stmt.kind) {
    case 'showDatabases':
      return 'SHOW DATABASES';
    case 'showMeasurements': {
      const m = stmt.measurement;
      const withMeasurement = m === undefined ? '' : m.op === '=~' ? ` WITH MEASUREMENT =~ ${regexText(m.value)}` : ` WITH MEASUREMENT = ${quoteIdent(m.value)}`;
      return `SHOW MEASUREMENTS${on(stmt.database)}${withMeasurement}${where(stmt.condition)}${limits(stmt)}`;
    }
    case 'showTagKeys':
      return `SHOW TAG KEYS${on(stmt.database)}${from(stmt.sources)}${where(stmt.condition)}${limits(stmt, true)}`;
    case 'showTagValues':
      return `SHOW TAG VALUES${on(stmt.database)}${from(stmt.sources)}${keyText(stmt.key)}${where(stmt.condition)}${limits(stmt)}`;
    case 'showFieldKeys':
      return `SHOW FIELD KEYS${on(stmt.database)}${from(stmt.sources)}${limits(stmt)}`;
    case 'showSeries':
      return `SHOW SERIES${on(stmt.database)}${from(stmt.sources)}${where(stmt.condition)}${limits(stmt)}`;
    case 'showCardinality': {
      const what = { series: 'SERIES', measurement: 'MEASUREMENT', tagKey: 'TAG KEY', tagValues: 'TAG VALUES', fieldKey: 'FIELD KEY' }[stmt.of];
      const groupBy = stmt.dimensions.length === 0 ? '' : ` GROUP BY ${stmt.dimensions.map((d) => exprText(d)).join(', ')}`;
      const key = stmt.key === undefined ? '' : keyText(stmt.key);
      return `SHOW ${what} ${stmt.exact ? 'EXACT ' : ''}CARDINALITY${on(stmt.database)}${from(stmt.sources)}${key}${where(stmt.condition)}${groupBy}${limits(stmt)}`;
    }
    case 'showRetentionPolicies':
      return `SHOW RETENTION POLICIES${on(stmt.database)}`;
    case 'showContinuousQueries':
      return 'SHOW CONTINUOUS QUERIES';
    case 'showQueries':
      return 'SHOW QUERIES';
    case 'showShards':
      return 'SHOW SHARDS';
    case 'showShardGroups':
      return 'SHOW SHARD GROUPS';
    case 'showSubscriptions':
      return 'SHOW SUBSCRIPTIONS';
    case 'showStats':
    case 'showDiagnostics':
      return `SHOW ${stmt.kind === 'showStats' ? 'STATS' : 'DIAGNOSTICS'}${stmt.module === undefined ? '' : ` FOR ${exprText({ kind: 'string', value: stmt.module })}`}`;
    default:
      return stmt.kind;
  }
}

function keyText(key: KeyFilter): string {
  switch (key.op) {
    case 'in':
      return ` WITH KEY IN (${key.keys.map(quoteIdent).join(', ')})`;
    case '=~':
    case '!~':
      return ` WITH KEY ${key.op} ${regexText(key.pattern)}`;
    default:
      return ` WITH KEY ${key.op} ${quoteIdent(key.key)}`;
  }
}

/** influxd prints ORDER BY only when the statement had it; the tree keeps DESC only, so ASC is never printed. */
function selectText(s: SelectStatement): string {
  let text = `SELECT ${s.fields.map((f) => (f.alias === undefined ? exprText(f.expr) : `${exprText(f.expr)} AS ${quoteIdent(f.alias)}`)).join(', ')}`;
  if (s.into !== undefined) {
    const prefix = s.into.database !== undefined ? `${quoteIdent(s.into.database)}.${s.into.retentionPolicy === undefined ? '' : quoteIdent(s.into.retentionPolicy)}.` : s.into.retentionPolicy !== undefined ? `${quoteIdent(s.into.retentionPolicy)}.` : '';
    text += ` INTO ${prefix}${s.into.allMeasurements ? ':MEASUREMENT' : quoteIdent(s.into.name!)}`;
  }
  if (s.sources.length > 0) text += ` FROM ${s.sources.map(sourceText).join(', ')}`;
  if (s.condition !== undefined) text += ` WHERE ${exprText(s.condition)}`;
  if (s.dimensions.length > 0) text += ` GROUP BY ${s.dimensions.map((d) => exprText(d)).join(', ')}`;
  switch (s.fill?.kind) {
    case 'none':
    case 'linear':
    case 'previous':
      text += ` fill(${s.fill.kind})`;
      break;
    case 'value':
      text += ` fill(${s.fill.value})`;
      break;
  }
  if (s.order === 'desc') text += ' ORDER BY time DESC';
  if (s.limit > 0) text += ` LIMIT ${s.limit}`;
  if (s.offset > 0) text += ` OFFSET ${s.offset}`;
  if (s.slimit > 0) text += ` SLIMIT ${s.slimit}`;
  if (s.soffset > 0) text += ` SOFFSET ${s.soffset}`;
  if (s.timezone !== undefined) text += ` TZ('${s.timezone}')`;
  return text;
}

/** `CREATE DATABASE ... WITH` prints Go durations (`48h0m0s`), unlike the policy statements. */
function databaseRetention(r: RetentionSettings): string {
  let text = '';
  if (r.duration !== undefined) text += ` DURATION ${formatGoDuration(r.duration)}`;
  if (r.replication !== undefined) text += ` REPLICATION ${r.replication}`;
  if (r.shardDuration !== undefined && r.shardDuration > 0n) text += ` SHARD DURATION ${formatGoDuration(r.shardDuration)}`;
  if (r.name !== undefined) text += ` NAME ${quoteIdent(r.name)}`;
  return text;
}

/** influxd spells ALL out (`ALL PRIVILEGES`), whether or not the statement did. */
function privilegeText(privilege: Privilege): string {
  return privilege === 'all' ? 'ALL PRIVILEGES' : privilege.toUpperCase();
}

const BARE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A regex literal: the pattern as written, its slashes escaped. */
function regexText(pattern: string): string {
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

/** An identifier as InfluxQL needs it written: bare when it can be, else double-quoted. */
function quoteIdent(name: string): string {
  if (BARE_IDENT.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A duration in the largest InfluxQL unit that divides it (`2d`, `90m`, `0s`). */
function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const units: ReadonlyArray<readonly [string, bigint]> = [
    ['w', 604_800_000_000_000n],
    ['d', 86_400_000_000_000n],
    ['h', 3_600_000_000_000n],
    ['m', 60_000_000_000n],
    ['s', 1_000_000_000n],
    ['ms', 1_000_000n],
    ['u', 1_000n],
  ];
  for (const [unit, size] of units) if (nanos % size === 0n) return `${nanos / size}${unit}`;
  return `${nanos}ns`;
}

function sourceText(source: Source): string {
  if (source.kind === 'subquery') return `(${selectText(source.statement)})`;
  const prefix =
    source.database !== undefined ? `${quoteIdent(source.database)}.${source.retentionPolicy === undefined ? '' : quoteIdent(source.retentionPolicy)}.` : source.retentionPolicy !== undefined ? `${quoteIdent(source.retentionPolicy)}.` : '';
  return source.kind === 'regex' ? `${prefix}${regexText(source.pattern)}` : `${prefix}${quoteIdent(source.name)}`;
}

const PRECEDENCE: Readonly<Record<string, number>> = { OR: 1, AND: 2, '=': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '=~': 4, '!~': 4, '+': 5, '-': 5, '|': 5, '^': 5, '*': 6, '/': 6, '%': 6, '&': 6 };

/** An expression, parenthesised where precedence needs it (the tree does not keep the source's parentheses). */
function exprText(e: Expr, parentPrecedence = 0): string {
  switch (e.kind) {
    case 'ref':
      return `${quoteIdent(e.name)}${e.cast === undefined ? '' : `::${e.cast}`}`;
    case 'wildcard':
      return e.cast === undefined ? '*' : `*::${e.cast}`;
    case 'regex':
      return regexText(e.pattern);
    case 'integer':
      return String(e.value);
    case 'number':
      // Go's strconv.FormatFloat(v, 'f', 3, 64), which influxd prints number literals with.
      return e.value.toFixed(3);
    case 'string':
      return `'${e.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    case 'boolean':
      return e.value ? 'true' : 'false';
    case 'duration':
      return formatDuration(e.nanos);
    case 'call':
      return `${e.name}(${e.args.map((a) => exprText(a)).join(', ')})`;
    case 'binary': {
      const p = PRECEDENCE[e.op]!;
      const text = `${exprText(e.left, p)} ${e.op} ${exprText(e.right, p + 1)}`;
      return p < parentPrecedence ? `(${text})` : text;
    }
  }
}
