/**
 * `parseInfluxQL`: a query string of `;`-separated statements into their syntax trees. SELECT and
 * expressions are in parser.ts; this module has the SHOW, CREATE, DROP, user and privilege
 * statements, in the shapes and with the "expected ..." lists of influxd 1.6.7.
 */
import type { CardinalityOf, Expr, KeyFilter, Privilege, RetentionSettings, Source, Statement } from './ast.ts';
import { InfluxQLParseError } from './errors.ts';
import { Parser, type Params } from './parser.ts';

/**
 * Parses every statement of `text`. `params` binds `$name` placeholders: strings, numbers and
 * booleans become literals of that type; `{"identifier": ...}`, `{"regex": ...}`,
 * `{"duration": ...}` (and `string`, `integer`, `number`, `boolean`) say the type explicitly, as in
 * influxd. A string that looks like a duration stays a string, as in influxd.
 * @throws InfluxQLParseError with influxd's message and position
 */
export function parseInfluxQL(text: string, params?: Params): Statement[] {
  const p = new Parser(text, params);
  const out: Statement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    if (p.peek().kind === 'eof') return out;
    out.push(statement(p));
    const t = p.next();
    if (t.kind !== 'eof' && !p.isOp(t, ';')) throw p.unexpected(t, [';']);
    if (t.kind === 'eof') return out;
  }
}

const STATEMENTS = ['SELECT', 'DELETE', 'SHOW', 'CREATE', 'DROP', 'EXPLAIN', 'GRANT', 'REVOKE', 'ALTER', 'SET', 'KILL'];

function statement(p: Parser): Statement {
  switch (p.expectKeyword(...STATEMENTS)) {
    case 'SELECT':
      return p.select();
    case 'DELETE':
      return { kind: 'delete', ...fromWhere(p) };
    case 'SHOW':
      return show(p);
    case 'CREATE':
      return create(p);
    case 'DROP':
      return drop(p);
    case 'EXPLAIN': {
      const analyze = p.acceptKeyword('ANALYZE');
      p.expectKeyword('SELECT');
      return { kind: 'explain', analyze, statement: p.select() };
    }
    case 'GRANT':
      return privilege(p, 'GRANT');
    case 'REVOKE':
      return privilege(p, 'REVOKE');
    case 'ALTER': {
      p.expectKeyword('RETENTION');
      p.expectKeyword('POLICY');
      const name = p.ident();
      p.expectKeyword('ON');
      const database = p.ident();
      return { kind: 'alterRetentionPolicy', name, database, settings: retention(p, false) };
    }
    case 'SET': {
      p.expectKeyword('PASSWORD');
      p.expectKeyword('FOR');
      const user = p.ident();
      p.expectOp('=');
      return { kind: 'setPassword', user, password: p.string() };
    }
    default: {
      p.expectKeyword('QUERY');
      const id = p.integer();
      return p.acceptKeyword('ON') ? { kind: 'killQuery', id, host: p.ident() } : { kind: 'killQuery', id };
    }
  }
}

const SHOW_WHAT = ['CONTINUOUS', 'DATABASES', 'DIAGNOSTICS', 'FIELD', 'GRANTS', 'MEASUREMENT', 'MEASUREMENTS', 'QUERIES', 'RETENTION', 'SERIES', 'SHARD', 'SHARDS', 'STATS', 'SUBSCRIPTIONS', 'TAG', 'USERS'];

function show(p: Parser): Statement {
  switch (p.expectKeyword(...SHOW_WHAT)) {
    case 'DATABASES':
      return { kind: 'showDatabases' };
    case 'MEASUREMENTS':
      return showMeasurements(p);
    case 'MEASUREMENT':
      return cardinality(p, 'measurement', exactCardinality(p));
    case 'TAG':
      switch (p.expectKeyword('KEY', 'KEYS', 'VALUES')) {
        case 'KEYS': {
          const database = on(p);
          return { kind: 'showTagKeys', ...database, ...fromWhere(p, false), ...p.limits(true) };
        }
        case 'KEY':
          return cardinality(p, 'tagKey', exactCardinality(p));
        default: {
          if (p.acceptKeyword('EXACT')) {
            p.expectKeyword('CARDINALITY');
            return cardinality(p, 'tagValues', true);
          }
          if (p.acceptKeyword('CARDINALITY')) return cardinality(p, 'tagValues', false);
          const database = on(p);
          const sources = p.acceptKeyword('FROM') ? p.sources(false) : [];
          const key = withKey(p);
          const condition = p.acceptKeyword('WHERE') ? p.expr() : undefined;
          return { kind: 'showTagValues', ...database, sources, key, ...(condition === undefined ? {} : { condition }), ...p.limits(true) };
        }
      }
    case 'FIELD':
      if (p.expectKeyword('KEY', 'KEYS') === 'KEY') return cardinality(p, 'fieldKey', exactCardinality(p));
      return { kind: 'showFieldKeys', ...on(p), sources: p.acceptKeyword('FROM') ? p.sources(false) : [], ...p.limits(false) };
    case 'SERIES': {
      // influxd 1.6.7 reads `SHOW SERIES EXACT` alone as SHOW SERIES
      const exact = p.acceptKeyword('EXACT');
      if (p.acceptKeyword('CARDINALITY')) return cardinality(p, 'series', exact);
      const database = on(p);
      return { kind: 'showSeries', ...database, ...fromWhere(p, false), ...p.limits(true) };
    }
    case 'RETENTION':
      p.expectKeyword('POLICIES');
      return { kind: 'showRetentionPolicies', ...on(p) };
    case 'CONTINUOUS':
      p.expectKeyword('QUERIES');
      return { kind: 'showContinuousQueries' };
    case 'USERS':
      return { kind: 'showUsers' };
    case 'GRANTS':
      p.expectKeyword('FOR');
      return { kind: 'showGrants', user: p.ident() };
    case 'QUERIES':
      return { kind: 'showQueries' };
    case 'SHARDS':
      return { kind: 'showShards' };
    case 'SHARD':
      p.expectKeyword('GROUPS');
      return { kind: 'showShardGroups' };
    case 'SUBSCRIPTIONS':
      return { kind: 'showSubscriptions' };
    case 'STATS':
      return p.acceptKeyword('FOR') ? { kind: 'showStats', module: p.string() } : { kind: 'showStats' };
    default:
      return p.acceptKeyword('FOR') ? { kind: 'showDiagnostics', module: p.string() } : { kind: 'showDiagnostics' };
  }
}

function showMeasurements(p: Parser): Statement {
  const database = on(p);
  let measurement: { op: '=' | '=~'; value: string } | undefined;
  if (p.acceptKeyword('WITH')) {
    p.expectKeyword('MEASUREMENT');
    const t = p.next();
    if (p.isOp(t, '=')) {
      measurement = { op: '=', value: p.ident() };
    } else if (p.isOp(t, '=~')) {
      const pattern = p.regex();
      if (pattern === undefined) throw p.unexpected(p.peek(), ['regex']);
      measurement = { op: '=~', value: pattern };
    } else {
      throw p.unexpected(t, ['=', '=~']);
    }
  }
  const condition = p.acceptKeyword('WHERE') ? p.expr() : undefined;
  return {
    kind: 'showMeasurements',
    ...database,
    ...(measurement === undefined ? {} : { measurement }),
    ...(condition === undefined ? {} : { condition }),
    ...p.limits(false),
  };
}

/** `EXACT CARDINALITY` (true) or `CARDINALITY` (false). */
function exactCardinality(p: Parser): boolean {
  const exact = p.expectKeyword('EXACT', 'CARDINALITY') === 'EXACT';
  if (exact) p.expectKeyword('CARDINALITY');
  return exact;
}

/** After `SHOW <what> [EXACT] CARDINALITY`: the rest of a cardinality statement. */
function cardinality(p: Parser, of: CardinalityOf, exact: boolean): Statement {
  const database = on(p);
  const sources = p.acceptKeyword('FROM') ? p.sources(false) : [];
  const key = of === 'tagValues' ? withKey(p) : undefined;
  const condition = p.acceptKeyword('WHERE') ? p.expr() : undefined;
  const dimensions = p.groupBy();
  return {
    kind: 'showCardinality',
    of,
    exact,
    ...database,
    sources,
    ...(key === undefined ? {} : { key }),
    ...(condition === undefined ? {} : { condition }),
    dimensions,
    ...p.limits(false),
  };
}

/** `WITH KEY = k | != k | =~ /re/ | !~ /re/ | IN (k1, k2)`. */
function withKey(p: Parser): KeyFilter {
  p.expectKeyword('WITH');
  p.expectKeyword('KEY');
  const t = p.next();
  if (p.isKeyword(t, 'IN')) {
    p.expectOp('(');
    const keys: string[] = [];
    do keys.push(p.ident());
    while (p.acceptOp(','));
    p.expectOp(')');
    return { op: 'in', keys };
  }
  if (p.isOp(t, '=') || p.isOp(t, '!=')) return { op: t.text as '=' | '!=', key: p.ident() };
  if (p.isOp(t, '=~') || p.isOp(t, '!~')) {
    const pattern = p.regex();
    if (pattern === undefined) throw p.unexpected(p.peek(), ['regex']);
    return { op: t.text as '=~' | '!~', pattern };
  }
  throw p.unexpected(t, ['IN', '=', '=~']);
}

function on(p: Parser): { database?: string } {
  return p.acceptKeyword('ON') ? { database: p.ident() } : {};
}

/** `[FROM sources] [WHERE cond]`; DELETE and DROP SERIES (`required`) need at least one. */
function fromWhere(p: Parser, required = true): { sources: Source[]; condition?: Expr } {
  if (required) {
    const t = p.peek();
    if (!p.isKeyword(t, 'FROM', 'WHERE')) throw p.unexpected(t, ['FROM', 'WHERE']);
  }
  const sources = p.acceptKeyword('FROM') ? p.sources(false) : [];
  const condition = p.acceptKeyword('WHERE') ? p.expr() : undefined;
  return condition === undefined ? { sources } : { sources, condition };
}

function create(p: Parser): Statement {
  switch (p.expectKeyword('CONTINUOUS', 'DATABASE', 'USER', 'RETENTION', 'SUBSCRIPTION')) {
    case 'DATABASE': {
      const name = p.ident();
      if (!p.acceptKeyword('WITH')) return { kind: 'createDatabase', name };
      const retention = retention_(p);
      return { kind: 'createDatabase', name, retention };
    }
    case 'RETENTION': {
      p.expectKeyword('POLICY');
      const name = p.ident();
      p.expectKeyword('ON');
      const database = p.ident();
      return { kind: 'createRetentionPolicy', name, database, settings: retention(p, true) };
    }
    case 'USER': {
      const name = p.ident();
      p.expectKeyword('WITH');
      p.expectKeyword('PASSWORD');
      const password = p.string();
      let admin = false;
      if (p.acceptKeyword('WITH')) {
        p.expectKeyword('ALL');
        p.expectKeyword('PRIVILEGES');
        admin = true;
      }
      return { kind: 'createUser', name, password, admin };
    }
    default:
      throw new InfluxQLParseError('not supported yet: CREATE CONTINUOUS QUERY and CREATE SUBSCRIPTION');
  }
}

/** `CREATE DATABASE d WITH [DURATION d] [REPLICATION n] [SHARD DURATION d] [NAME rp]`, in that order. */
function retention_(p: Parser): RetentionSettings {
  const out: { -readonly [K in keyof RetentionSettings]: RetentionSettings[K] } = {};
  const t = p.peek();
  if (!p.isKeyword(t, 'DURATION', 'NAME', 'REPLICATION', 'SHARD')) throw p.unexpected(t, ['DURATION', 'NAME', 'REPLICATION', 'SHARD']);
  if (p.acceptKeyword('DURATION')) out.duration = retentionDuration(p);
  if (p.acceptKeyword('REPLICATION')) out.replication = p.smallInteger();
  if (p.acceptKeyword('SHARD')) {
    p.expectKeyword('DURATION');
    out.shardDuration = retentionDuration(p);
  }
  if (p.acceptKeyword('NAME')) out.name = p.ident();
  return out;
}

/**
 * CREATE RETENTION POLICY (`create`: DURATION and REPLICATION required, in order) and ALTER (any
 * of the clauses, in any order, at least one).
 */
function retention(p: Parser, create: boolean): RetentionSettings {
  const out: { -readonly [K in keyof RetentionSettings]: RetentionSettings[K] } = {};
  if (create) {
    p.expectKeyword('DURATION');
    out.duration = retentionDuration(p);
    p.expectKeyword('REPLICATION');
    out.replication = p.smallInteger();
  }
  const clauses = ['DURATION', 'REPLICATION', 'SHARD', 'DEFAULT'];
  let any = create;
  for (;;) {
    const t = p.next();
    if (!p.isKeyword(t, ...clauses)) {
      if (!any) throw p.unexpected(t, clauses);
      p.unscan(t);
      return out;
    }
    any = true;
    if (t.text === 'DURATION') out.duration = retentionDuration(p);
    else if (t.text === 'REPLICATION') out.replication = p.smallInteger();
    else if (t.text === 'SHARD') {
      p.expectKeyword('DURATION');
      out.shardDuration = retentionDuration(p);
    } else out.isDefault = true;
  }
}

/** A duration or `INF` (0: keep forever). */
function retentionDuration(p: Parser): bigint {
  if (p.acceptKeyword('INF')) return 0n;
  return p.duration();
}

function drop(p: Parser): Statement {
  switch (p.expectKeyword('CONTINUOUS', 'DATABASE', 'MEASUREMENT', 'RETENTION', 'SERIES', 'SHARD', 'SUBSCRIPTION', 'USER')) {
    case 'DATABASE':
      return { kind: 'dropDatabase', name: p.ident() };
    case 'MEASUREMENT':
      return { kind: 'dropMeasurement', name: p.ident() };
    case 'RETENTION': {
      p.expectKeyword('POLICY');
      const name = p.ident();
      p.expectKeyword('ON');
      return { kind: 'dropRetentionPolicy', name, database: p.ident() };
    }
    case 'SERIES':
      return { kind: 'dropSeries', ...fromWhere(p) };
    case 'SHARD':
      return { kind: 'dropShard', id: p.integer() };
    case 'USER':
      return { kind: 'dropUser', name: p.ident() };
    case 'CONTINUOUS': {
      p.expectKeyword('QUERY');
      const name = p.ident();
      p.expectKeyword('ON');
      return { kind: 'dropContinuousQuery', name, database: p.ident() };
    }
    default:
      throw new InfluxQLParseError('not supported yet: DROP SUBSCRIPTION');
  }
}

/** After GRANT or REVOKE: `ALL [PRIVILEGES] [ON db]` or `READ|WRITE ON db`, then `TO user` / `FROM user`. */
function privilege(p: Parser, verb: 'GRANT' | 'REVOKE'): Statement {
  const t = p.next();
  let privilege: Privilege;
  if (p.isKeyword(t, 'READ', 'WRITE')) privilege = t.text === 'READ' ? 'read' : 'write';
  else if (p.isKeyword(t, 'ALL')) privilege = 'all';
  else throw p.unexpected(t, ['READ', 'WRITE', 'ALL [PRIVILEGES]']);
  if (privilege === 'all') p.acceptKeyword('PRIVILEGES');
  const to = verb === 'GRANT' ? 'TO' : 'FROM';
  let database: string | undefined;
  if (privilege === 'all') {
    if (p.expectKeyword('ON', to) === 'ON') database = p.ident();
    else return { kind: verb === 'GRANT' ? 'grant' : 'revoke', privilege, user: p.ident() };
  } else {
    p.expectKeyword('ON');
    database = p.ident();
  }
  p.expectKeyword(to);
  return { kind: verb === 'GRANT' ? 'grant' : 'revoke', privilege, database, user: p.ident() };
}
